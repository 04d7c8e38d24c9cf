package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestDKIMRecord(t *testing.T) {
	site := newTestSite(t, "Test blog")
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edDER, _ := x509.MarshalPKCS8PrivateKey(edKey)
	writeFile(t, filepath.Join(site.dir, "rsa.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})))
	writeFile(t, filepath.Join(site.dir, "ed.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: edDER})))
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+newsletterConfig+
		"[dkim]\ndomain = \"blog.example.com\"\nselector = \"rsa2026\"\nkey_file = \"rsa.pem\"\n"+
		"ed25519_selector = \"ed2026\"\ned25519_key_file = \"ed.pem\"\n")
	out, errOut, err := runCmd(t, "dkim-record", "-config", site.config)
	if err != nil {
		t.Fatalf("dkim-record: %v\n%s", err, errOut)
	}
	spki, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	want := map[string]string{
		"rsa2026._domainkey.blog.example.com.": "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(spki),
		"ed2026._domainkey.blog.example.com.":  "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(edPub),
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), out)
	}
	quoted := regexp.MustCompile(`"([^"]*)"`)
	for _, line := range lines {
		f := strings.SplitN(line, "\t", 4)
		if len(f) != 4 || f[1] != "IN" || f[2] != "TXT" {
			t.Fatalf("line %q is not NAME IN TXT VALUE", line)
		}
		var joined string
		for _, m := range quoted.FindAllStringSubmatch(f[3], -1) {
			if len(m[1]) > 255 {
				t.Errorf("a string of %d characters (the limit is 255): %q", len(m[1]), m[1])
			}
			joined += m[1]
		}
		if joined != want[f[0]] {
			t.Errorf("record %s = %q, want %q", f[0], joined, want[f[0]])
		}
	}
	os.Remove(filepath.Join(site.dir, "rsa.pem"))
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog"))
	if _, _, err := runCmd(t, "dkim-record", "-config", site.config); err == nil || !strings.Contains(err.Error(), "no DKIM key") {
		t.Errorf("without [dkim]: %v, want an error saying there is no key", err)
	}
}

// TestCheckWarnsAboutDeliverability: herald check names the key behind
// each deliverability warning and still exits 0 for warnings alone.
func TestCheckWarnsAboutDeliverability(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writePost(t, "good.md", "Good post", "2026-01-01")
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+newsletterConfig)
	_, errOut, err := runCmd(t, "check", "-config", site.config)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut, "herald.toml:12: server.public_url: http with the newsletter on") {
		t.Errorf("check does not warn about the http public_url:\n%s", errOut)
	}
	https := strings.Replace(fmt.Sprintf(testConfig, "Test blog"), "http://127.0.0.1:9", "https://news.example.com", 1)
	site.writeConfig(t, https+newsletterConfig)
	if _, errOut, err := runCmd(t, "check", "-config", site.config); err != nil || strings.Contains(errOut, "warning:") {
		t.Errorf("check with https: %v, warnings:\n%s", err, errOut)
	}
}

// TestServeLogsDeliverability: herald serve logs the warnings of herald
// check at start, for operators who never run it.
func TestServeLogsDeliverability(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+newsletterConfig)
	s := startServe(t, site, nil)
	waitFor(t, "the deliverability warning in the log", func() bool {
		logs := s.logs.String()
		return strings.Contains(logs, "Mail may be less trusted by receivers") && strings.Contains(logs, "key=server.public_url")
	})
}
