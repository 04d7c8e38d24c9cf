package mail

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// dkimpyPython is Debian's Python, which has python3-dkim (the python3 on
// PATH may be another without it).
const dkimpyPython = "/usr/bin/python3"

// needDkimpy skips the test when dkimpy is missing, except under CI=true
// where .ci/run installs it and its absence is a failure.
func needDkimpy(t *testing.T) {
	t.Helper()
	if err := exec.Command(dkimpyPython, "-c", "import dkim").Run(); err != nil {
		msg := "dkimpy is missing (" + err.Error() + "): apt-get install python3-dkim to run this test"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// dkimpyResult is dkimpy's verdict on one signature of one message.
type dkimpyResult struct {
	pass      bool
	selector  string
	algorithm string
}

// dkimpyVerify verifies every signature of each message with dkimpy, in
// one process, the keys of d given directly (no DNS).
func dkimpyVerify(t *testing.T, d *DKIM, msgs ...[]byte) [][]dkimpyResult {
	t.Helper()
	needDkimpy(t)
	records, err := d.Records()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{filepath.Join("testdata", "dkimverify.py")}
	for _, r := range records {
		args = append(args, r.Name+"="+r.Value)
	}
	args = append(args, "--")
	dir := t.TempDir()
	for i, m := range msgs {
		path := filepath.Join(dir, fmt.Sprintf("%d.eml", i))
		if err := os.WriteFile(path, m, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(dkimpyPython, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dkimverify.py: %v\n%s", err, stderr.String())
	}
	results := make([][]dkimpyResult, len(msgs))
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		var i int
		fmt.Sscanf(filepath.Base(f[0]), "%d.eml", &i)
		if f[1] == "none" {
			continue
		}
		results[i] = append(results[i], dkimpyResult{pass: f[2] == "pass", selector: f[3], algorithm: f[4]})
	}
	return results
}

// twoKeys is a signer with an RSA key (selector "rsa") and an Ed25519 key
// (selector "ed").
func twoKeys(t *testing.T) *DKIM {
	t.Helper()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDKIM("example.com", "rsa", rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	if d, err = d.WithKey("ed", edKey); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDkimpyVerifiesBothSignatures(t *testing.T) {
	d := twoKeys(t)
	raw, err := Build(sampleMessage(), d)
	if err != nil {
		t.Fatal(err)
	}
	noList := sampleMessage()
	noList.Headers, noList.ReplyTo = nil, "" // a confirmation email
	raw2, err := Build(noList, d)
	if err != nil {
		t.Fatal(err)
	}
	for i, rs := range dkimpyVerify(t, d, raw, raw2) {
		want := []dkimpyResult{{true, "rsa", "rsa-sha256"}, {true, "ed", "ed25519-sha256"}}
		if fmt.Sprint(rs) != fmt.Sprint(want) {
			t.Errorf("message %d: dkimpy says %v, want %v", i, rs, want)
		}
	}
}

// TestDkimpyDetectsTampering changes each signed header, prepends a second
// copy of each oversigned one, and adds the signed-as-absent ones to a
// message without them: dkimpy must fail both signatures every time, and
// pass them for the untouched message and an added unsigned header.
func TestDkimpyDetectsTampering(t *testing.T) {
	d := twoKeys(t)
	raw, err := Build(sampleMessage(), d)
	if err != nil {
		t.Fatal(err)
	}
	bare := sampleMessage()
	bare.Headers, bare.ReplyTo = nil, ""
	rawBare, err := Build(bare, d)
	if err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name     string
		msg      []byte
		wantPass bool
	}
	cases := []tc{
		{"untouched", raw, true},
		{"unsigned header added", prepend(raw, "Received: from relay.example.net"), true},
		{"body changed", bytes.Replace(raw, []byte("Hello Grace"), []byte("Hello Grape"), 1), false},
	}
	for _, h := range []string{"From", "To", "Subject", "Date", "Message-ID", "Reply-To", "List-Id",
		"List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version", "Content-Type"} {
		cases = append(cases, tc{"changed " + h, changeHeader(t, raw, h), false})
	}
	for _, h := range []string{"From: Mallory <m@evil.example>", "Subject: Urgent: verify your account",
		"Reply-To: m@evil.example", "List-Id: <evil.example>", "List-Unsubscribe: <https://evil.example/u>",
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click"} {
		cases = append(cases, tc{"second " + h, prepend(raw, h), false})
	}
	for _, h := range []string{"Reply-To: m@evil.example", "List-Id: <evil.example>",
		"List-Unsubscribe: <https://evil.example/u>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
		"Auto-Submitted: auto-generated"} {
		cases = append(cases, tc{"added " + h, prepend(rawBare, h), false})
	}
	// A confirmation mail carries Auto-Submitted: removing it in transit
	// (so that autoresponders answer) breaks the signatures.
	auto := sampleMessage()
	auto.Headers = append(auto.Headers, AutoSubmitted)
	rawAuto, err := Build(auto, d)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, tc{"Auto-Submitted kept", rawAuto, true},
		tc{"Auto-Submitted removed", bytes.Replace(rawAuto, []byte("Auto-Submitted: auto-generated\r\n"), nil, 1), false})
	msgs := make([][]byte, len(cases))
	for i, c := range cases {
		msgs[i] = c.msg
	}
	for i, rs := range dkimpyVerify(t, d, msgs...) {
		c := cases[i]
		if len(rs) != 2 {
			t.Errorf("%s: dkimpy found %d signatures, want 2", c.name, len(rs))
			continue
		}
		for _, r := range rs {
			if r.pass != c.wantPass {
				t.Errorf("%s: dkimpy says pass=%v for the %s signature, want %v", c.name, r.pass, r.algorithm, c.wantPass)
			}
		}
	}
}

// prepend adds header line h after the signatures, where a relay or an
// attacker would add it (above the original fields).
func prepend(raw []byte, h string) []byte {
	i := bytes.Index(raw, []byte("\r\nDate: ")) + 2
	return append(append(append([]byte(nil), raw[:i]...), h+"\r\n"...), raw[i:]...)
}

// changeHeader inserts a letter at the start of the value of the first
// header field named name (after the signatures).
func changeHeader(t *testing.T, raw []byte, name string) []byte {
	t.Helper()
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	i := bytes.Index(raw[:end], []byte("\r\n"+name+": "))
	if i < 0 {
		t.Fatalf("no %s header in:\n%s", name, raw[:end])
	}
	i += len("\r\n" + name + ": ")
	return append(append(append([]byte(nil), raw[:i]...), 'X'), raw[i:]...)
}
