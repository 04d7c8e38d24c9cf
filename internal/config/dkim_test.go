package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func rsaPEM(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 1024) // small: only its type matters here
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
}

func TestTwoDKIMKeys(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "rsa.pem"), rsaPEM(t))
	mustWrite(t, filepath.Join(dir, "ed.pem"), ed25519PEM(t))
	dkim := "[dkim]\ndomain = \"example.com\"\nselector = \"%s\"\nkey_file = \"%s\"\ned25519_selector = \"%s\"\ned25519_key_file = \"%s\"\n"
	tests := []struct {
		name                   string
		sel, key, edSel, edKey string
		want                   string // "" loads
	}{
		{"rsa and ed25519", "rsa", "rsa.pem", "ed", "ed.pem", ""},
		{"same selector", "s", "rsa.pem", "s", "ed.pem", `:8:20: dkim.ed25519_selector: the selector "s" is dkim.selector's too`},
		{"ed25519 in key_file", "rsa", "ed.pem", "ed", "ed.pem", ":7:12: dkim.key_file: not an RSA key"},
		{"rsa in ed25519_key_file", "rsa", "rsa.pem", "ed", "rsa.pem", ":9:20: dkim.ed25519_key_file: not an Ed25519 key"},
		{"no second selector", "rsa", "rsa.pem", "", "ed.pem", "dkim.ed25519_selector is required with dkim.ed25519_key_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "config.toml")
			src := strings.NewReplacer("%s", "\x00").Replace(dkim)
			for _, v := range []string{tt.sel, tt.key, tt.edSel, tt.edKey} {
				src = strings.Replace(src, "\x00", v, 1)
			}
			mustWrite(t, path, minimal+src)
			c, err := Load(path, nil)
			if tt.want == "" {
				if err != nil || c.DKIM.Key == nil || c.DKIM.Ed25519Key == nil {
					t.Fatalf("Load: %v; keys %v %v", err, c.DKIM.Key, c.DKIM.Ed25519Key)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestEd25519KeyNeedsRSAKey(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "ed.pem"), ed25519PEM(t))
	path := filepath.Join(dir, "config.toml")
	mustWrite(t, path, minimal+"[dkim]\ndomain = \"example.com\"\ned25519_selector = \"ed\"\ned25519_key_file = \"ed.pem\"\n")
	_, err := Load(path, nil)
	if err == nil || !strings.Contains(err.Error(), "dkim.key_file is required with dkim.ed25519_key_file") {
		t.Errorf("got %v, want dkim.key_file required", err)
	}
}

// TestDKIMKeyFileErrors checks the one PEM reader herald has: every bad
// key file is reported at the key's line, and a PKCS#1 or PKCS#8 key
// loads.
func TestDKIMKeyFileErrors(t *testing.T) {
	dir := t.TempDir()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	pemOf := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	tests := []struct {
		name, content, want string // want "" loads
	}{
		{"rsa pkcs1", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), ""},
		{"rsa pkcs8", pemOf("PRIVATE KEY", pkcs8), ""},
		{"ed25519 pkcs8", ed25519PEM(t), ""},
		{"missing file", "", "dkim.key_file: read key"},
		{"not PEM", "hello", "dkim.key_file: no PEM block"},
		{"public key block", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "dkim.key_file: parse private key"},
		{"broken PKCS#1", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", "dkim.key_file: parse private key"},
		{"ecdsa key", pemOf("PRIVATE KEY", ecDER), "dkim.key_file: key in " + filepath.Join(dir, "key7.pem") + " is a *ecdsa.PrivateKey"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := filepath.Join(dir, fmt.Sprint("key", i, ".pem"))
			if tt.name != "missing file" {
				mustWrite(t, key, tt.content)
			}
			path := filepath.Join(dir, "config.toml")
			mustWrite(t, path, minimal+"[dkim]\ndomain = \"example.com\"\nselector = \"s\"\nkey_file = \""+key+"\"\n")
			c, err := Load(path, nil)
			if tt.want == "" {
				if err != nil || c.DKIM.Key == nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
