package config

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
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
