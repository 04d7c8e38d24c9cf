package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/clock/clocktest"
)

const newsletterConfig = `
[smtp]
from = "news@blog.example.com"
[newsletter]
enabled = true
schedule = "0 9 * * 1"
time_zone = "UTC"
[[vacation]]
from = 2030-01-01
until = 2030-01-15
note = "Winter break"
`

func TestScheduleCommand(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+newsletterConfig)
	clock := clocktest.New(mustTime(t, "2029-12-20T00:00:00Z"))
	var out strings.Builder
	err := run(t.Context(), []string{"schedule", "-config", site.config, "-n", "5"}, env{stdout: &out, stderr: &out, clock: clock})
	if err != nil {
		t.Fatal(err, out.String())
	}
	want := []string{
		"Mon 2029-12-24 09:00 UTC  send",
		"Mon 2030-01-07 09:00 UTC  skip: vacation until 2030-01-15: Winter break",
		"Mon 2030-01-21 09:00 UTC  send",
	}
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Errorf("schedule output lacks %q:\n%s", w, out.String())
		}
	}
	// -n 2 ends inside a long vacation: the first run after it still shows.
	long := strings.Replace(newsletterConfig, "until = 2030-01-15", "until = 2030-06-01", 1)
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+long)
	out.Reset()
	inVacation := clocktest.New(mustTime(t, "2030-01-02T00:00:00Z"))
	err = run(t.Context(), []string{"schedule", "-config", site.config, "-n", "2"}, env{stdout: &out, stderr: &out, clock: inVacation})
	if err != nil {
		t.Fatal(err, out.String())
	}
	want = []string{
		"Mon 2030-01-07 09:00 UTC  skip: vacation until 2030-06-01: Winter break",
		"Mon 2030-01-14 09:00 UTC  skip: vacation until 2030-06-01: Winter break",
		"...                       19 more runs skipped",
		"Mon 2030-06-03 09:00 UTC  send: first run after the vacation",
	}
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Errorf("schedule -n 2 output lacks %q:\n%s", w, out.String())
		}
	}
	if _, _, err := runCmd(t, "schedule", "-config", site.config, "-n", "0"); !errors.Is(err, errUsage) {
		t.Errorf("-n 0: err = %v, want a usage error", err)
	}
}

func TestPreviewAndDryRun(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+newsletterConfig)
	site.writePost(t, "first.md", "First post", "2026-01-01")
	if _, errOut, err := runCmd(t, "subscribers", "add", "-config", site.config, "-confirmed", "reader@example.org"); err != nil {
		t.Fatal(err, errOut)
	}
	html := filepath.Join(site.dir, "preview.html")
	out, errOut, err := runCmd(t, "preview", "-config", site.config, "-o", html)
	if err != nil || !strings.Contains(out, "Subject: First post") {
		t.Fatalf("preview: %v\n%s%s", err, out, errOut)
	}
	if data, err := os.ReadFile(html); err != nil || !strings.Contains(string(data), "https://blog.example.com/2026/01/first/") {
		t.Errorf("preview HTML lacks the post link: %v", err)
	}
	if _, _, err := runCmd(t, "send", "-config", site.config, "-dry-run", t.TempDir(), "-to", "x@example.org"); !errors.Is(err, errUsage) {
		t.Errorf("-dry-run with -to: err = %v, want a usage error", err)
	}
}

// TestDryRunIsSigned checks that `herald send -dry-run` signs the files
// with the configured DKIM key, as the real send would.
func TestDryRunIsSigned(t *testing.T) {
	site := newTestSite(t, "Test blog")
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(site.dir, "dkim.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	dkim := fmt.Sprintf("[dkim]\ndomain = \"blog.example.com\"\nselector = \"herald\"\nkey_file = %q\n", keyFile)
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+newsletterConfig+dkim)
	now := time.Now().UTC()
	setBaseline(t, filepath.Join(site.dir, "data", "herald.db"), now.Add(-2*time.Hour))
	site.writePost(t, "first.md", "First post", now.Add(-time.Hour).Format(time.RFC3339))
	if _, errOut, err := runCmd(t, "subscribers", "add", "-config", site.config, "-confirmed", "reader@example.org"); err != nil {
		t.Fatal(err, errOut)
	}
	dir := t.TempDir()
	out, errOut, err := runCmd(t, "send", "-config", site.config, "-dry-run", dir)
	if err != nil {
		t.Fatalf("send -dry-run: %v\n%s%s", err, out, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("dry run wrote %d files, want 1\n%s%s", len(files), out, errOut)
	}
	raw, _ := os.ReadFile(files[0])
	if !bytes.HasPrefix(raw, []byte("DKIM-Signature: ")) || !bytes.Contains(raw, []byte("s=herald")) {
		t.Errorf("the dry-run file is not DKIM-signed:\n%.300s", raw)
	}
	if !regexp.MustCompile(`\r\nMessage-ID: <herald\.i1\.s1\.t[0-9a-z]+\.[a-z2-7]{16}@blog\.example\.com>\r\n`).Match(raw) {
		t.Errorf("the dry-run file lacks the Message-ID of the issue it would be:\n%.600s", raw)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
