package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/clock/clocktest"
)

// maxSpamScore is the highest SpamAssassin score a mail of herald's may
// get with the local rules.
const maxSpamScore = 0.5

// needSpamAssassin returns the spamassassin program, skipping the test
// when it is missing, except under CI=true where .ci/run installs it.
func needSpamAssassin(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("spamassassin")
	if err != nil {
		msg := "spamassassin is missing: apt-get install spamassassin to run this test"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

// TestSpamAssassinScores sends every kind of mail herald writes (the
// confirmation, the welcome and a newsletter issue with a vacation
// notice) through herald serve into the outbox, signed as in production
// (RSA DKIM, https public_url, Reply-To), and scores them all with one
// SpamAssassin process (-L: local tests only, no network). Each must score
// at most maxSpamScore; the rules that fired are printed.
func TestSpamAssassinScores(t *testing.T) {
	bin := needSpamAssassin(t)
	site, mails := productionMails(t)
	var mbox bytes.Buffer
	for _, m := range mails {
		fmt.Fprintf(&mbox, "From herald@localhost Mon Mar  2 09:00:00 2026\n")
		for _, line := range strings.Split(strings.ReplaceAll(string(m), "\r\n", "\n"), "\n") {
			if strings.HasPrefix(line, "From ") {
				line = ">" + line
			}
			mbox.WriteString(line + "\n")
		}
	}
	if !t.Failed() {
		dkimpyVerifiesAll(t, site, mails)
	}
	cmd := exec.Command(bin, "-L", "--mbox", "--cf", "add_header all Scores _TESTSSCORES(,)_")
	cmd.Stdin = &mbox
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // its user_prefs, not the real home's
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("spamassassin: %v\n%s", err, stderr.String())
	}
	t.Logf("spamassassin scored %d mails in %v", len(mails), time.Since(start).Round(time.Millisecond))
	results := spamResults(t, string(out))
	if len(results) != len(mails) {
		t.Fatalf("spamassassin reported on %d mails, want %d:\n%s", len(results), len(mails), out)
	}
	for _, r := range results {
		t.Logf("%-45q score %4.1f  rules: %s", r.subject, r.score, r.rules)
		if r.score > maxSpamScore {
			t.Errorf("%q scores %.1f, want at most %.1f; rules: %s", r.subject, r.score, maxSpamScore, r.rules)
		}
	}
}

type spamResult struct {
	subject string
	score   float64
	rules   string
}

var (
	spamStatusRE = regexp.MustCompile(`(?m)^X-Spam-Status: \w+, score=(-?[0-9.]+)`)
	spamScoresRE = regexp.MustCompile(`(?m)^X-Spam-Scores: ((?:.|\n[ \t])*)`)
	subjectRE    = regexp.MustCompile(`(?m)^Subject: (.*)`)
)

// spamResults reads spamassassin's mbox output: the score, the rules with
// their points and the subject of each mail.
func spamResults(t *testing.T, out string) []spamResult {
	t.Helper()
	var rs []spamResult
	for _, m := range regexp.MustCompile(`(?m)^From herald@localhost .*\n`).Split(out, -1)[1:] {
		head, _, _ := strings.Cut(m, "\n\n")
		status := spamStatusRE.FindStringSubmatch(head)
		if status == nil {
			t.Fatalf("no X-Spam-Status in:\n%s", head)
		}
		score, _ := strconv.ParseFloat(status[1], 64)
		r := spamResult{score: score}
		if s := spamScoresRE.FindStringSubmatch(head); s != nil {
			r.rules = strings.Join(strings.Fields(s[1]), "")
		}
		if s := subjectRE.FindStringSubmatch(head); s != nil {
			r.subject = s[1]
		}
		rs = append(rs, r)
	}
	return rs
}

// productionMails runs herald serve with the outbox and returns the site
// and the confirmation, the welcome and an issue, as written.
func productionMails(t *testing.T) (*testSite, [][]byte) {
	t.Helper()
	site := newTestSite(t, "Spam check blog")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(site.dir, "dkim.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})))
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edDER, _ := x509.MarshalPKCS8PrivateKey(edKey)
	writeFile(t, filepath.Join(site.dir, "dkim-ed.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: edDER})))
	cfg := strings.Replace(fmt.Sprintf(testConfig, "Spam check blog"), "http://127.0.0.1:9", "https://news.example.com", 1) + `
[smtp]
from = "news@blog.example.com"
reply_to = "editor@blog.example.com"
[dkim]
domain = "blog.example.com"
selector = "herald"
key_file = "dkim.pem"
ed25519_selector = "herald-ed"
ed25519_key_file = "dkim-ed.pem"
[newsletter]
enabled = true
schedule = "0 9 * * *"
time_zone = "UTC"
[[vacation]]
from = 2026-03-03
until = 2026-03-09
note = "Off to the mountains for a week"
`
	site.writeConfig(t, cfg)
	site.writePost(t, "old.md", "An older post", "2026-03-01")
	clock := clocktest.New(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	s := startServe(t, site, clock)
	outbox := filepath.Join(site.dir, "data", "outbox")

	resp, err := http.PostForm(s.url+"/subscribe", url.Values{"email": {"reader@example.org"}, "name": {"Rita Reader"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	confirm := outboxMails(t, outbox, 1)[0]
	unfolded := strings.NewReplacer("=\r\n", "", "=3D", "=").Replace(string(confirm))
	link := regexp.MustCompile(`https://news\.example\.com(/confirm/[A-Za-z0-9_-]+)`).FindStringSubmatch(unfolded)
	if link == nil {
		t.Fatalf("no confirmation link in:\n%s", confirm)
	}
	postForm(t, s.url+link[1], nil)
	outboxMails(t, outbox, 2)

	site.writePost(t, "new.md", "Notes from the spring garden", "2026-03-02T08:30:00Z")
	s.eventually(t, "/feeds/atom.xml", "the new post is read", func(string) bool {
		return strings.Contains(s.logs.String(), "reason=\"posts changed\"")
	})
	clock.Advance(time.Hour)
	mails := outboxMails(t, outbox, 3)
	if !bytes.Contains(mails[2], []byte("This is the last issue for a while: Off to the mountains for a week;")) {
		t.Errorf("the issue lacks the vacation notice:\n%s", mails[2])
	}
	return site, mails
}

// outboxMails waits until the outbox holds n mails and returns them:
// confirmations, welcomes, then issues.
func outboxMails(t *testing.T, dir string, n int) [][]byte {
	t.Helper()
	var names []string
	waitFor(t, fmt.Sprintf("%d mails in the outbox", n), func() bool {
		all, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		names = slices.DeleteFunc(all, func(name string) bool { return strings.HasPrefix(filepath.Base(name), ".") }) // being written
		return len(names) >= n
	})
	var out [][]byte
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	// The fake clock names mails sent at one instant alike: order them
	// by kind, confirmation first, then welcome, then issues.
	kind := func(m []byte) int {
		switch {
		case bytes.Contains(m, []byte("\r\nSubject: Confirm your subscription")):
			return 0
		case bytes.Contains(m, []byte("\r\nSubject: Welcome to")):
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b []byte) int { return kind(a) - kind(b) })
	return out
}

// dkimpyVerifiesAll checks the mails' two DKIM signatures (RSA, then
// Ed25519) with dkimpy (Debian's
// python3-dkim), the key record taken from `herald dkim-record`, the way an
// operator publishes it.
func dkimpyVerifiesAll(t *testing.T, site *testSite, mails [][]byte) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import dkim").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dkimpy is missing: apt-get install python3-dkim")
		}
		t.Log("dkimpy is missing (apt-get install python3-dkim): signatures not verified")
		return
	}
	out, errOut, err := runCmd(t, "dkim-record", "-config", site.config)
	if err != nil {
		t.Fatalf("dkim-record: %v\n%s", err, errOut)
	}
	args := []string{"../../internal/mail/testdata/dkimverify.py"}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.SplitN(line, "\t", 4)
		var value string
		for _, m := range regexp.MustCompile(`"([^"]*)"`).FindAllStringSubmatch(f[3], -1) {
			value += m[1]
		}
		args = append(args, strings.TrimSuffix(f[0], ".")+"="+value)
	}
	args = append(args, "--")
	dir := t.TempDir()
	for i, m := range mails {
		path := filepath.Join(dir, strconv.Itoa(i)+".eml")
		writeFile(t, path, string(m))
		args = append(args, path)
	}
	res, err := exec.Command("/usr/bin/python3", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dkimverify.py: %v\n%s", err, res)
	}
	rsaPass, edPass := strings.Count(string(res), " 0 pass herald rsa-sha256"), strings.Count(string(res), " 1 pass herald-ed ed25519-sha256")
	if rsaPass != len(mails) || edPass != len(mails) {
		t.Errorf("dkimpy passed %d RSA and %d Ed25519 signatures of %d mails, want all:\n%s", rsaPass, edPass, len(mails), res)
	}
}
