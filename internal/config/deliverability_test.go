package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestDeliverability(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "rsa.pem"), rsaPEM(t)) // 1024 bits
	mustWrite(t, filepath.Join(dir, "ed.pem"), ed25519PEM(t))
	on := "[newsletter]\nenabled = true\n"
	https := "[server]\npublic_url = \"https://news.example.com\"\n"
	dkim := func(domain, key string) string {
		return "[dkim]\ndomain = \"" + domain + "\"\nselector = \"s\"\nkey_file = \"" + key + "\"\n"
	}
	tests := []struct {
		name, src string
		want      []string // each advice as printed, in order; FILE is the config
	}{
		{"http public_url with the newsletter on",
			"[server]\npublic_url = \"http://news.example.com\"\n[smtp]\nfrom = \"news@blog.example.com\"\n" + on,
			[]string{"FILE:5: server.public_url: http with the newsletter on"}},
		{"http public_url by default", "[smtp]\nfrom = \"news@blog.example.com\"\n" + on,
			[]string{"server.public_url (not set): http with the newsletter on"}},
		{"http public_url, newsletter off", "[server]\npublic_url = \"http://news.example.com\"\n", nil},
		{"real relay without dkim", https + "[smtp]\nhost = \"smtp.example.net\"\nauth = \"none\"\n",
			[]string{"dkim.key_file (not set): no DKIM key while mail goes through smtp.example.net"}},
		{"local relay without dkim", https + "[smtp]\nhost = \"127.0.0.1\"\nauth = \"none\"\n", nil},
		{"dkim on another organisation", https + "[smtp]\nfrom = \"news@blog.example.com\"\n" + dkim("mailer.example.net", "ed.pem"),
			[]string{`FILE:9: dkim.domain: "mailer.example.net" is not aligned with the From domain blog.example.com`,
				"FILE:11: dkim.key_file: an Ed25519 key alone"}},
		{"dkim on the parent: relaxed alignment", https + "[smtp]\nfrom = \"news@blog.example.co.uk\"\n" + dkim("example.co.uk", "rsa.pem"),
			[]string{"FILE:11: dkim.key_file: an RSA key of 1024 bits"}},
		{"public suffix is no organisation", https + "[smtp]\nfrom = \"news@blog.example.co.uk\"\n" + dkim("other.co.uk", "rsa.pem"),
			[]string{`FILE:9: dkim.domain: "other.co.uk" is not aligned with the From domain blog.example.co.uk`,
				"FILE:11: dkim.key_file: an RSA key of 1024 bits"}},
		{"From from base_url", https + dkim("Blog.Example.com", "rsa.pem") + "ed25519_selector = \"e\"\ned25519_key_file = \"ed.pem\"\n",
			[]string{"FILE:9: dkim.key_file: an RSA key of 1024 bits"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "config.toml")
			mustWrite(t, path, minimal+tt.src)
			c, err := Load(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Deliverability()
			if len(got) != len(tt.want) {
				t.Fatalf("%d warnings, want %d:\n%v", len(got), len(tt.want), got)
			}
			for i, a := range got {
				if want := strings.ReplaceAll(tt.want[i], "FILE", path); !strings.HasPrefix(a.String(), want) {
					t.Errorf("warning %d:\n%s\nwant it to start with\n%s", i, a, want)
				}
			}
		})
	}
}
