package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	path := writeConfig(t, minimal)
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	checks := []struct{ name, got, want string }{
		{"data_dir", c.DataDir, filepath.Join(dir, "data")},
		{"posts.dir", c.Posts.Dir, filepath.Join(dir, "posts")},
		{"feeds.output_dir", c.Feeds.OutputDir, filepath.Join(dir, "data", "feeds")},
		{"store.dsn", c.Store.DSN, filepath.Join(dir, "data", "herald.db")},
		{"outbox", c.SMTP.OutboxDir, filepath.Join(dir, "data", "outbox")},
		{"public_url", c.Server.PublicURL, "http://127.0.0.1:8080"},
		{"list_id", c.Newsletter.ListID, "blog.example.com"},
		{"newsletter zone", c.Newsletter.Location.String(), "UTC"},
		{"formats", strings.Join(c.Feeds.Formats, ","), "rss,atom,json"},
		{"max_body_bytes", display(&c.Server.MaxBodyBytes), "65536"},
		{"debounce", c.Server.Debounce.String(), "100ms"},
		{"tls", c.SMTP.TLS, "starttls"},
		{"auth", c.SMTP.Auth, "none"},
		{"pipelining", display(&c.SMTP.Pipelining), "true"},
		{"level", c.Log.SlogLevel().String(), "INFO"},
		{"templates_dir", c.TemplatesDir, ""},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	if c.Authors == nil || len(c.Vacations) != 0 || c.Newsletter.Enabled {
		t.Errorf("want empty authors map, no vacations, newsletter off; got %v %v %v", c.Authors, c.Vacations, c.Newsletter.Enabled)
	}
}

func TestRelativePaths(t *testing.T) {
	src := `data_dir = "/var/lib/herald"
templates_dir = "theme"
[site]
title = "Notes"
base_url = "https://blog.example.com/"
[posts]
dir = "../content/posts"
[store]
dsn = "db/herald.sqlite"
`
	path := writeConfig(t, src)
	if err := os.Mkdir(filepath.Join(filepath.Dir(path), "theme"), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	checks := []struct{ name, got, want string }{
		{"absolute data_dir kept", c.DataDir, "/var/lib/herald"},
		{"templates_dir", c.TemplatesDir, filepath.Join(dir, "theme")},
		{"posts.dir", c.Posts.Dir, filepath.Join(filepath.Dir(dir), "content", "posts")},
		{"feeds under absolute data_dir", c.Feeds.OutputDir, "/var/lib/herald/feeds"},
		{"sqlite dsn", c.Store.DSN, filepath.Join(dir, "db", "herald.sqlite")},
		{"base_url trailing slash", c.Site.BaseURL, "https://blog.example.com"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
}

func TestSMTPURL(t *testing.T) {
	tests := []struct {
		name, smtp string
		env        []string
		want       relay
	}{
		{"smtps with user, password from env", `url = "smtps://news@mail.example.com"`, []string{"HERALD_SMTP_PASSWORD=pw"},
			relay{Host: "mail.example.com", Port: 465, TLS: "implicit", Auth: "plain", Username: "news", Password: "pw"}},
		{"smtp with parameters", `url = "smtp://u:p%40ss@mail.example.com:2525?tls=opportunistic&auth=login"`, nil,
			relay{Host: "mail.example.com", Port: 2525, TLS: "opportunistic", Auth: "login", Username: "u", Password: "p@ss"}},
		{"smtp defaults: starttls on 587", `url = "smtp://mail.example.com"`, nil,
			relay{Host: "mail.example.com", Port: 587, TLS: "starttls", Auth: "none"}},
		{"local test server", `url = "smtp://127.0.0.1:1025?tls=none"`, nil,
			relay{Host: "127.0.0.1", Port: 1025, TLS: "none", Auth: "none"}},
		{"fields", "host = \"mail.example.com\"\ntls = \"implicit\"", nil,
			relay{Host: "mail.example.com", Port: 465, TLS: "implicit", Auth: "none"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(writeConfig(t, minimal+"[smtp]\n"+tt.smtp+"\n"), tt.env)
			if err != nil {
				t.Fatal(err)
			}
			got := relay{Host: c.SMTP.Host, Port: c.SMTP.Port, TLS: c.SMTP.TLS, Auth: c.SMTP.Auth, Username: c.SMTP.Username, Password: c.SMTP.Password}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if c.SMTP.OutboxDir != "" {
				t.Errorf("outbox = %q with a relay, want empty", c.SMTP.OutboxDir)
			}
		})
	}
}

// relay is the part of SMTP that smtp.url sets.
type relay struct {
	Host      string
	Port      int
	TLS, Auth string
	Username  string
	Password  string
}

func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	secret := strings.Repeat("k", 40)
	mustWrite(t, filepath.Join(dir, "secret"), secret+"\n")
	mustWrite(t, filepath.Join(dir, "smtp-pw"), "hunter2\n")
	mustWrite(t, filepath.Join(dir, "dkim.pem"), ed25519PEM(t))
	src := minimal + `[subscribers]
secret_file = "secret"
[smtp]
host = "mail.example.com"
username = "news"
password_file = "smtp-pw"
[dkim]
domain = "example.com"
selector = "herald"
key_file = "dkim.pem"
`
	path := filepath.Join(dir, "config.toml")
	mustWrite(t, path, src)
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subscribers.Secret != secret || c.SMTP.Password != "hunter2" || c.DKIM.Key == nil {
		t.Errorf("secret %q, password %q, key %v: want the files' contents", c.Subscribers.Secret, c.SMTP.Password, c.DKIM.Key)
	}
	if got, want := c.Source("smtp.password"), path+":9 (smtp.password_file)"; got != want {
		t.Errorf("smtp.password source = %q, want %q", got, want)
	}
}

func TestBadKeyFile(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "dkim.pem"), "not a key\n")
	path := filepath.Join(dir, "config.toml")
	mustWrite(t, path, minimal+"[dkim]\ndomain = \"example.com\"\nselector = \"s\"\nkey_file = \"dkim.pem\"\n")
	_, err := Load(path, nil)
	if err == nil || !strings.Contains(err.Error(), ":7:12: dkim.key_file: no PEM block in") {
		t.Errorf("got %v, want a dkim.key_file error at 7:12", err)
	}
}

func ed25519PEM(t *testing.T) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestVacationForms(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, until string
		wantFrom, wantTo  time.Time
	}{
		{"local dates", "2027-02-01", "2027-02-26",
			time.Date(2027, 2, 1, 0, 0, 0, 0, berlin), time.Date(2027, 2, 26, 0, 0, 0, 0, berlin)},
		{"local date-times", "2027-02-01T18:00:00", "2027-02-26T09:30:00",
			time.Date(2027, 2, 1, 18, 0, 0, 0, berlin), time.Date(2027, 2, 26, 9, 30, 0, 0, berlin)},
		{"offset date-times", "2027-02-01T18:00:00Z", "2027-02-26T09:30:00-05:00",
			time.Date(2027, 2, 1, 18, 0, 0, 0, time.UTC), time.Date(2027, 2, 26, 14, 30, 0, 0, time.UTC)},
		{"strings", `"2027-02-01"`, `"2027-02-26 09:30"`,
			time.Date(2027, 2, 1, 0, 0, 0, 0, berlin), time.Date(2027, 2, 26, 9, 30, 0, 0, berlin)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := minimal + "[newsletter]\ntime_zone = \"Europe/Berlin\"\n\n[[vacation]]\nfrom = " + tt.from + "\nuntil = " + tt.until + "\nnote = \"back soon\"\n"
			c, err := Load(writeConfig(t, src), nil)
			if err != nil {
				t.Fatal(err)
			}
			v := c.Vacations[0]
			if !v.From.Equal(tt.wantFrom) || !v.Until.Equal(tt.wantTo) || v.Note != "back soon" || v.Line != 8 {
				t.Errorf("got %v .. %v %q line %d, want %v .. %v line 8", v.From, v.Until, v.Note, v.Line, tt.wantFrom, tt.wantTo)
			}
		})
	}
}
