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
	"fmt"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

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
		name string
		key  crypto.Signer
	}{
		{"rsa", rsaKey},
		{"ed25519", edKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDKIM("example.com", "herald", tt.key)
			if err != nil {
				t.Fatalf("NewDKIM: %v", err)
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

// TestNewDKIMErrors checks the keys and names NewDKIM refuses; reading
// the key file is package config's (TestDKIMKeyFileErrors).
func TestNewDKIMErrors(t *testing.T) {
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		name, domain, selector string
		key                    crypto.Signer
		want                   string
	}{
		{"ecdsa key", "example.com", "s", ecKey, "is not RSA or Ed25519"},
		{"empty domain", "", "s", edKey, "dkim domain"},
		{"bad selector", "example.com", "a;b", edKey, "dkim selector"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewDKIM(tt.domain, tt.selector, tt.key)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewDKIM error %v, want one mentioning %q", err, tt.want)
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
