package config

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestEnvOverrides(t *testing.T) {
	path := writeConfig(t, minimal+"[server]\nlisten = \"127.0.0.1:9000\"\n")
	env := []string{
		"PATH=/usr/bin",
		"HERALD_SERVER_LISTEN=0.0.0.0:8081",
		"HERALD_FEEDS_FORMATS=rss, json",
		"HERALD_FEEDS_PER_TAG=false",
		"HERALD_SMTP_RATE=2.5",
		"HERALD_SMTP_PIPELINING=false",
		"HERALD_SMTP_DOMAIN_RATES=Gmail.com=5,outlook.com=1",
		"HERALD_NEWSLETTER_MAX_LATE=2h",
		"HERALD_DATA_DIR=state",
		"HERALD_SUBSCRIBERS_SECRET=" + strings.Repeat("s", 32),
		"HERALD_SERVR_LISTEN=x",
		"HERALD_CONFIG=/etc/herald.toml",
		"HERALD_TEST_POSTGRES=1",
	}
	c, err := Load(path, env)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	checks := []struct{ name, got, want string }{
		{"listen", c.Server.Listen, "0.0.0.0:8081"},
		{"public_url from listen", c.Server.PublicURL, "http://localhost:8081"},
		{"formats", strings.Join(c.Feeds.Formats, "|"), "rss|json"},
		{"per_tag", display(&c.Feeds.PerTag), "false"},
		{"rate", display(&c.SMTP.Rate), "2.5"},
		{"pipelining", display(&c.SMTP.Pipelining), "false"},
		{"domain rates", display(&c.SMTP.DomainRates), "gmail.com=5,outlook.com=1"},
		{"max_late", c.Newsletter.MaxLate.String(), (2 * time.Hour).String()},
		{"data_dir relative to the file", c.DataDir, filepath.Join(dir, "state")},
		{"feeds under data_dir", c.Feeds.OutputDir, filepath.Join(dir, "state", "feeds")},
		{"listen source", c.Source("server.listen"), "env HERALD_SERVER_LISTEN"},
		{"title source", c.Source("site.title"), path + ":2"},
		{"language source", c.Source("site.language"), "default"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	want := []string{"unknown environment variable HERALD_SERVR_LISTEN ignored"}
	if !slices.Equal(c.Warnings, want) {
		t.Errorf("warnings = %q, want %q", c.Warnings, want)
	}
}

func TestEnvErrors(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"bad duration", []string{"HERALD_SERVER_READ_TIMEOUT=soon"},
			[]string{`FILE: env HERALD_SERVER_READ_TIMEOUT: server.read_timeout: want a duration such as "30s" or "4h", got "soon"`}},
		{"bad integer", []string{"HERALD_FEEDS_LIMIT=ten"},
			[]string{`FILE: env HERALD_FEEDS_LIMIT: feeds.limit: want an integer, got "ten"`}},
		{"bad boolean", []string{"HERALD_NEWSLETTER_ENABLED=maybe"},
			[]string{`FILE: env HERALD_NEWSLETTER_ENABLED: newsletter.enabled: want true or false, got "maybe"`}},
		{"valid type, bad value", []string{"HERALD_SITE_BASE_URL=ftp://x", "HERALD_FEEDS_LIMIT=0"},
			[]string{
				`FILE: env HERALD_SITE_BASE_URL: site.base_url: want an absolute http(s) URL such as https://example.com, got "ftp://x"`,
				`FILE: env HERALD_FEEDS_LIMIT: feeds.limit: want at least 1, got 0`,
			}},
		{"bad domain rates", []string{"HERALD_SMTP_DOMAIN_RATES=gmail.com"},
			[]string{`FILE: env HERALD_SMTP_DOMAIN_RATES: smtp.domain_rates: want domain=rate pairs separated by commas, got "gmail.com"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := loadErrors(t, minimal, tt.env)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestDatabaseURLFallback(t *testing.T) {
	src := minimal + "[store]\ndriver = \"postgres\"\n"
	dsn := "postgres://herald:pw@db/herald"
	c, err := Load(writeConfig(t, src), []string{"DATABASE_URL=" + dsn})
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.DSN != dsn || c.Source("store.dsn") != "env DATABASE_URL" {
		t.Errorf("dsn = %q from %q, want %q from env DATABASE_URL", c.Store.DSN, c.Source("store.dsn"), dsn)
	}
	c, err = Load(writeConfig(t, src+"dsn = \"postgres://db/other\"\n"), []string{"DATABASE_URL=" + dsn})
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.DSN != "postgres://db/other" {
		t.Errorf("dsn = %q, want the file's value to win over DATABASE_URL", c.Store.DSN)
	}
}
