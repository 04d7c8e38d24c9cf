package mail

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

// writeKey writes key as PEM (PKCS#1 when pkcs1, else PKCS#8) and returns the path.
func writeKey(t *testing.T, key crypto.Signer, pkcs1 bool) string {
	t.Helper()
	block := &pem.Block{Type: "PRIVATE KEY"}
	if pkcs1 {
		block = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key.(*rsa.PrivateKey))}
	} else {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		block.Bytes = der
	}
	path := filepath.Join(t.TempDir(), "dkim.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// txtRecord is the DNS TXT record publishing key's public half.
func txtRecord(t *testing.T, key crypto.Signer) string {
	t.Helper()
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	}
	t.Fatalf("no TXT record for %T", key)
	return ""
}

func TestDKIMVerifies(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		key   crypto.Signer
		pkcs1 bool
	}{
		{"rsa pkcs1", rsaKey, true},
		{"rsa pkcs8", rsaKey, false},
		{"ed25519 pkcs8", edKey, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := LoadDKIM("example.com", "herald", writeKey(t, tt.key, tt.pkcs1))
			if err != nil {
				t.Fatalf("LoadDKIM: %v", err)
			}
			raw, err := Build(sampleMessage(), d)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			v := verifyOne(t, raw, txtRecord(t, tt.key))
			if v.Err != nil {
				t.Fatalf("signature does not verify: %v", v.Err)
			}
			if v.Domain != "example.com" {
				t.Errorf("signing domain %q, want example.com", v.Domain)
			}
			for _, h := range []string{"from", "to", "subject", "date", "message-id", "reply-to", "list-id",
				"list-unsubscribe", "list-unsubscribe-post", "mime-version", "content-type"} {
				if !containsFold(v.HeaderKeys, h) {
					t.Errorf("header %s not signed (signed: %v)", h, v.HeaderKeys)
				}
			}
			sig := string(raw[:bytes.Index(raw, []byte("\r\nDate:"))])
			if !strings.Contains(sig, "c=relaxed/relaxed") {
				t.Errorf("signature is not relaxed/relaxed: %s", sig)
			}
		})
	}
}

func TestDKIMVerifiesWithoutListHeaders(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	d, err := NewDKIM("example.com", "herald", key)
	if err != nil {
		t.Fatal(err)
	}
	m := sampleMessage()
	m.Headers = nil // a confirmation email has no List-* headers
	raw, err := Build(m, d)
	if err != nil {
		t.Fatal(err)
	}
	if v := verifyOne(t, raw, txtRecord(t, key)); v.Err != nil {
		t.Fatalf("signature does not verify: %v", v.Err)
	}
	added := append([]byte("List-Unsubscribe: <https://evil.example/>\r\n"), raw...)
	if v := verifyOne(t, added, txtRecord(t, key)); v.Err == nil {
		t.Error("a List-Unsubscribe added in transit still verifies")
	}
}

func TestDKIMDetectsTampering(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	d, err := NewDKIM("example.com", "herald", key)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := Build(sampleMessage(), d)
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Replace(raw, []byte("Two new posts"), []byte("Two old posts"), 1)
	if v := verifyOne(t, tampered, txtRecord(t, key)); v.Err == nil {
		t.Error("a changed subject still verifies")
	}
}

func verifyOne(t *testing.T, raw []byte, record string) *dkim.Verification {
	t.Helper()
	lookup := func(domain string) ([]string, error) {
		if domain != "herald._domainkey.example.com" {
			return nil, fmt.Errorf("unexpected lookup of %s", domain)
		}
		return []string{record}, nil
	}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if len(vs) != 1 {
		t.Fatalf("%d signatures, want 1", len(vs))
	}
	return vs[0]
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func TestLoadDKIMErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		name, domain, selector, file, want string
	}{
		{"missing file", "example.com", "s", filepath.Join(dir, "nope.pem"), "read dkim key"},
		{"not PEM", "example.com", "s", write("junk.pem", "hello"), "no PEM block"},
		{"public key block", "example.com", "s", write("pub.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), "is not a private key"},
		{"broken PKCS#1", "example.com", "s", write("bad1.pem", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"), "parse PKCS#1 key"},
		{"broken PKCS#8", "example.com", "s", write("bad8.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "parse PKCS#8 key"},
		{"ecdsa key", "example.com", "s", writeKey(t, ecKey, false), "is not RSA or Ed25519"},
		{"empty domain", "", "s", writeKey(t, edKey, false), "dkim domain"},
		{"bad selector", "example.com", "a;b", writeKey(t, edKey, false), "dkim selector"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadDKIM(tt.domain, tt.selector, tt.file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadDKIM error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestDKIMOversigns(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	d, err := NewDKIM("example.com", "herald", key)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := Build(sampleMessage(), d)
	if err != nil {
		t.Fatal(err)
	}
	v := verifyOne(t, raw, txtRecord(t, key))
	count := map[string]int{}
	for _, h := range v.HeaderKeys {
		count[strings.ToLower(h)]++
	}
	for _, h := range []string{"from", "subject", "reply-to", "list-id", "list-unsubscribe", "list-unsubscribe-post"} {
		if count[h] != 2 {
			t.Errorf("%s named %d times in h=, want 2 (oversigned): %v", h, count[h], v.HeaderKeys)
		}
	}
}

func TestDKIMWithKeyErrors(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	d, err := NewDKIM("example.com", "herald", key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.WithKey("herald", key); err == nil || !strings.Contains(err.Error(), "used twice") {
		t.Errorf("a second key under the same selector: %v, want an error saying so", err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if _, err := d.WithKey("ec", ecKey); err == nil || !strings.Contains(err.Error(), "is not RSA or Ed25519") {
		t.Errorf("an ECDSA key: %v, want an error naming the type", err)
	}
}
