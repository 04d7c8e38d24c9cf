package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScaffoldFollowsListen: the example and `herald init` leave public_url
// unset, so changing only the port moves every link with it.
func TestScaffoldFollowsListen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.toml")
	if err := os.WriteFile(path, Scaffold(), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, []string{"HERALD_SERVER_LISTEN=127.0.0.1:18110"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.PublicURL != "http://127.0.0.1:18110" {
		t.Errorf("public_url = %q, want it to follow the listen address", c.Server.PublicURL)
	}
	if w := c.PublicURLMismatch(); w != "" {
		t.Errorf("unexpected warning: %s", w)
	}
	if !strings.Contains(string(Scaffold()), "# public_url = ") {
		t.Error("the scaffold does not show public_url, commented out")
	}
}

func TestPublicURLMismatch(t *testing.T) {
	cases := []struct {
		publicURL, listen string
		warn              bool
	}{
		{"http://127.0.0.1:8080", "127.0.0.1:18110", true},
		{"http://localhost:8080", "0.0.0.0:18110", true},
		{"http://[::1]:8080", "[::1]:9000", true},
		{"http://localhost", "127.0.0.1:8080", true},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", false},
		{"http://localhost:8080", "0.0.0.0:8080", false},
		{"https://news.example.org", "127.0.0.1:8080", false},
		{"http://192.0.2.7:8080", "127.0.0.1:9000", false},
		{"http://127.0.0.1:8080", "127.0.0.1:0", false},
	}
	for _, tc := range cases {
		c := &Config{Server: Server{PublicURL: tc.publicURL, Listen: tc.listen}}
		w := c.PublicURLMismatch()
		if (w != "") != tc.warn || (w != "" && !strings.Contains(w, "server.public_url")) {
			t.Errorf("public_url %s, listen %s: warning %q, want one: %v", tc.publicURL, tc.listen, w, tc.warn)
		}
	}
}
