package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestSettingsMasksSecrets(t *testing.T) {
	src := minimal + `[store]
driver = "postgres"
dsn = "postgres://herald:s3cret@db.example.com/herald?sslmode=require"
[smtp]
url = "smtp://news:pa55@mail.example.com:587"
[authors.ana]
name = "Ana"
[[vacation]]
from = 2027-02-01
until = 2027-02-26
`
	path := writeConfig(t, src)
	c, err := Load(path, []string{"HERALD_SUBSCRIBERS_SECRET=" + strings.Repeat("x", 32)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Setting{}
	for _, s := range c.Settings() {
		got[s.Key] = s
	}
	tests := []struct{ key, value, source, env string }{
		{"store.dsn", "postgres://herald:********@db.example.com/herald?sslmode=require", path + ":6", "HERALD_STORE_DSN"},
		{"smtp.url", "smtp://news:********@mail.example.com:587", path + ":8", "HERALD_SMTP_URL"},
		{"smtp.password", "********", path + ":8", "HERALD_SMTP_PASSWORD"},
		{"subscribers.secret", "********", "env HERALD_SUBSCRIBERS_SECRET", "HERALD_SUBSCRIBERS_SECRET"},
		{"server.listen", "127.0.0.1:8080", "default", "HERALD_SERVER_LISTEN"},
		{"authors.ana.name", "Ana", path + ":10", ""},
		{"vacation[0].until", "2027-02-26T00:00:00Z", path + ":13", ""},
	}
	for _, tt := range tests {
		s, ok := got[tt.key]
		if !ok {
			t.Errorf("no setting %s", tt.key)
			continue
		}
		if s.Value != tt.value || s.Source != tt.source || s.Env != tt.env {
			t.Errorf("%s = %q from %q (%s), want %q from %q (%s)", tt.key, s.Value, s.Source, s.Env, tt.value, tt.source, tt.env)
		}
	}
	for _, s := range c.Settings() {
		for _, secret := range []string{"s3cret", "pa55", strings.Repeat("x", 32)} {
			if strings.Contains(s.Value, secret) {
				t.Errorf("%s shows a secret: %q", s.Key, s.Value)
			}
		}
	}
}

func TestMaskDSN(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"key value", "host=db user=herald password=s3cret dbname=h", "host=db user=herald password=******** dbname=h"},
		{"quoted key value", "host=db password='a b' dbname=h", "host=db password=******** dbname=h"},
		{"url without password", "postgres://herald@db/h", "postgres://herald@db/h"},
		{"url query password", "postgres://db/h?password=s3cret", "postgres://db/h?password=********"},
		{"sqlite path", "/var/lib/herald/herald.db", "/var/lib/herald/herald.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := maskDSN(tt.in); got != tt.want {
				t.Errorf("maskDSN(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	base := minimal + "[server]\nlisten = \"127.0.0.1:8080\"\n[feeds]\nlimit = 20\n"
	path := writeConfig(t, base)
	old, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		src          string
		env          []string
		changed      []string
		needsRestart []string
	}{
		{"same", base, nil, nil, nil},
		{"reloadable and restart keys",
			strings.Replace(strings.Replace(base, "8080", "9090", 1), "limit = 20", "limit = 5", 1), nil,
			[]string{"feeds.limit", "server.listen", "server.public_url"}, []string{"server.listen"}},
		{"secret from env", base, []string{"HERALD_SMTP_PASSWORD=changed"}, []string{"smtp.password"}, nil},
		{"authors and vacations added", base + "[authors.ana]\nname = \"Ana\"\n[[vacation]]\nfrom = 2027-01-01\nuntil = 2027-01-02\n", nil,
			[]string{"authors.ana.name", "authors.ana.email", "authors.ana.show_email", "authors.ana.url", "authors.ana.bio",
				"vacation[0].from", "vacation[0].until", "vacation[0].note"}, nil},
		{"store and log", base + "[log]\nformat = \"json\"\nlevel = \"debug\"\n", nil,
			[]string{"log.format", "log.level"}, []string{"log.format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustWrite(t, path, tt.src)
			cur, err := Load(path, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			changed, restart := Diff(old, cur)
			if !slices.Equal(changed, tt.changed) || !slices.Equal(restart, tt.needsRestart) {
				t.Errorf("Diff = %q, %q; want %q, %q", changed, restart, tt.changed, tt.needsRestart)
			}
		})
	}
}

// TestSettingsTOML checks that each value prints as the TOML the file would
// hold, and that a table of them parses back to the same values.
func TestSettingsTOML(t *testing.T) {
	src := minimal + `[subscribers]
form_origins = ["https://a.example", "https://b.example"]
[feeds]
limit = 7
per_tag = false
[smtp]
rate = 2.5
domain_rates = { "gmail.com" = 5, "outlook.com" = 3 }
timeout = "45s"
[authors.ana]
name = "Ana \"the\" Writer"
show_email = true
[[vacation]]
from = 2027-02-01
until = 2027-02-26
note = "Back\tsoon"
`
	path := writeConfig(t, src)
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range c.Settings() {
		got[s.Key] = s.TOML()
	}
	for key, want := range map[string]string{
		"subscribers.form_origins": `["https://a.example", "https://b.example"]`,
		"feeds.limit":              `7`,
		"feeds.per_tag":            `false`,
		"smtp.rate":                `2.5`,
		"smtp.domain_rates":        `{ "gmail.com" = 5, "outlook.com" = 3 }`,
		"smtp.timeout":             `"45s"`,
		"authors.ana.name":         `"Ana \"the\" Writer"`,
		"authors.ana.show_email":   `true`,
		"vacation[0].from":         `2027-02-01T00:00:00Z`,
		"vacation[0].note":         `"Back\tsoon"`,
		"site.title":               `"Notes"`,
	} {
		if got[key] != want {
			t.Errorf("%s prints as %s, want %s", key, got[key], want)
		}
	}
	var doc strings.Builder
	for _, key := range []string{"feeds.limit", "feeds.per_tag", "smtp.rate", "smtp.domain_rates", "subscribers.form_origins", "authors.ana.name", "vacation[0].from", "vacation[0].note"} {
		doc.WriteString(strings.NewReplacer(".", "_", "[", "_", "]", "").Replace(key) + " = " + got[key] + "\n")
	}
	var back map[string]any
	if _, err := toml.Decode(doc.String(), &back); err != nil {
		t.Fatalf("the printed values are not TOML: %v\n%s", err, doc.String())
	}
	if back["authors_ana_name"] != `Ana "the" Writer` || back["feeds_per_tag"] != false || back["vacation_0_note"] != "Back\tsoon" {
		t.Errorf("values read back: %v", back)
	}
}
