package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const minimal = `[site]
title = "Notes"
base_url = "https://blog.example.com"
`

// writeConfig writes src to config.toml in a new folder and returns its path.
func writeConfig(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadErrors loads src and returns its problems with the path shown as FILE.
func loadErrors(t *testing.T, src string, environ []string) []string {
	t.Helper()
	path := writeConfig(t, src)
	_, err := Load(path, environ)
	if err == nil {
		return nil
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error is %T, want config.Errors: %v", err, err)
	}
	var out []string
	for _, e := range errs {
		out = append(out, strings.Replace(e.Error(), path, "FILE", 1))
	}
	return out
}

func TestLoadErrorPositions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown key with suggestion", minimal + "[server]\nlisen = \"x\"\n",
			[]string{`FILE:5:1: unknown key "server.lisen" (did you mean "server.listen"?)`}},
		{"unknown section", minimal + "[sever]\nlisten = \"x\"\n",
			[]string{`FILE:4:1: unknown key "sever" (did you mean "server"?)`}},
		{"misspelt table", minimal + "[feed]\nlimit = 3\n",
			[]string{`FILE:4:1: unknown key "feed" (did you mean "feeds"?)`}},
		{"far from every table", minimal + "[newsletters_archive]\nx = 1\n",
			[]string{`FILE:4:1: unknown key "newsletters_archive"`}},
		{"unknown top-level key", "dta_dir = \"x\"\n" + minimal,
			[]string{`FILE:1:1: unknown key "dta_dir" (did you mean "data_dir"?)`}},
		{"wrong type", minimal + "[server]\n  listen = 8080\n",
			[]string{`FILE:5:12: server.listen: want a string, got integer 8080`}},
		{"bad duration", minimal + "[server]\nread_timeout = \"10 seconds\"\n",
			[]string{`FILE:5:16: server.read_timeout: want a duration such as "30s" or "4h", got "10 seconds"`}},
		{"bad url", "[site]\ntitle = \"Notes\"\nbase_url = \"blog.example.com\"\n",
			[]string{`FILE:3:12: site.base_url: want an absolute http(s) URL such as https://example.com, got "blog.example.com"`}},
		{"bad time zone", minimal + "time_zone = \"Mars/Olympus\"\n",
			[]string{`FILE:4:13: site.time_zone: want an IANA time zone such as Europe/Paris, got "Mars/Olympus"`}},
		{"missing title at its table", "[site]\nbase_url = \"https://blog.example.com\"\n",
			[]string{`FILE:1:1: site.title is required`}},
		{"missing site", "data_dir = \"d\"\n",
			[]string{`FILE: site.title is required`, `FILE: site.base_url is required`}},
		{"syntax error", "[site]\ntitle = \"Notes\nbase_url = 1\n",
			[]string{`FILE:2:15: bad TOML: strings cannot contain newlines`}},
		{"every problem in file order", minimal + "[feeds]\nlimit = 0\nformats = [\"rss\", \"rdf\"]\n[log]\nformat = \"xml\"\n",
			[]string{
				`FILE:5:9: feeds.limit: want at least 1, got 0`,
				`FILE:6:11: feeds.formats: want one of "rss", "atom", "json", got "rdf"`,
				`FILE:8:10: log.format: want one of "text", "json", got "xml"`,
			}},
		{"list item of wrong type", minimal + "[feeds]\nformats = [\"rss\", 2]\n",
			[]string{`FILE:5:11: feeds.formats: want a list of strings, item 2 is integer 2`}},
		{"position after a multi-line array and string", minimal + "[subscribers]\nform_origins = [\n  \"https://a.example\",\n  # x = 1\n]\n" +
			"[newsletter]\nsubject = \"\"\"\nlisten = 1\n\"\"\"\nmode = \"weekly\"\n",
			[]string{
				`FILE:13:8: newsletter.mode: want one of "digest", "per-post", got "weekly"`,
			}},
		{"bad subject template", minimal + "[newsletter]\nsubject = \"{{.Count\"\n",
			[]string{`FILE:5:11: newsletter.subject: bad template: template: subject:1: unclosed action`}},
		{"author key typo", minimal + "[authors.ana]\nname = \"Ana\"\nbios = \"x\"\n",
			[]string{`FILE:6:1: unknown key "authors.ana.bios" (did you mean "authors.ana.bio"?)`}},
		{"bad cron", minimal + "[newsletter]\nschedule = \"0 9 * *\"\n",
			[]string{`FILE:5:12: newsletter.schedule: expected exactly 5 fields, found 4: [0 9 * *]: "0 9 * *"`}},
		{"permalink token", minimal + "[posts]\npermalink = \"/{year}/{title}/{slug}\"\n",
			[]string{`FILE:5:13: posts.permalink: unknown token {title} (want {year} {month} {day} {slug} {section}) in "/{year}/{title}/{slug}"`}},
		{"author without name", minimal + "[authors.ana]\nemail = \"ana@example.com\"\n[authors.tom]\nname = \"Tom\"\nshow_email = \"yes\"\n",
			[]string{
				`FILE:4:1: authors.ana.name is required`,
				`FILE:8:14: authors.tom.show_email: want a boolean, got string "yes"`,
			}},
		{"author unknown key", minimal + "[authors.ana]\nname = \"Ana\"\nmail = \"a@example.com\"\n",
			[]string{`FILE:6:1: unknown key "authors.ana.mail" (did you mean "authors.ana.email"?)`}},
		{"second vacation until before from", minimal + "[[vacation]]\nfrom = 2027-01-01\nuntil = 2027-01-05\n[[vacation]]\nfrom = 2027-03-01\nuntil = \"2027-02-01\"\n",
			[]string{`FILE:9:9: vacation[1].until: until 2027-02-01T00:00:00Z is not after from 2027-03-01T00:00:00Z`}},
		{"vacation equal bounds and missing until", minimal + "[[vacation]]\nfrom = 2027-01-01\nuntil = 2027-01-01T00:00:00Z\n[[vacation]]\nfrom = 2027-03-01\nnotes = \"x\"\n",
			[]string{
				`FILE:6:9: vacation[0].until: until 2027-01-01T00:00:00Z is not after from 2027-01-01T00:00:00Z`,
				`FILE:7:1: vacation[1].until is required`,
				`FILE:9:1: unknown key "vacation[1].notes" (did you mean "vacation[1].note"?)`,
			}},
		{"vacation bad forms", minimal + "[[vacation]]\nfrom = 09:00:00\nuntil = \"next monday\"\n",
			[]string{
				`FILE:5:8: vacation[0].from: want a date or date-time, got the time of day 09:00:00`,
				`FILE:6:9: vacation[0].until: want a date such as 2027-02-26 or a date-time such as 2027-02-26T09:00:00, got "next monday"`,
			}},
		{"smtp url and host", minimal + "[smtp]\nurl = \"smtp://mail.example.com\"\nhost = \"mail.example.com\"\n",
			[]string{`FILE:6:8: smtp.host: cannot be set together with smtp.url (put it in the URL)`}},
		{"smtp bad url", minimal + "[smtp]\nurl = \"http://u:pw@mail.example.com\"\n",
			[]string{`FILE:5:7: smtp.url: want smtp://host[:port] or smtps://host[:port], got "http://u:********@mail.example.com"`}},
		{"smtp auth without password", minimal + "[smtp]\nhost = \"mail.example.com\"\nusername = \"news\"\ntls = \"ssl\"\n",
			[]string{
				`FILE:4:1: smtp.auth: auth "plain" needs smtp.username and smtp.password`,
				`FILE:7:7: smtp.tls: want one of "implicit", "starttls", "opportunistic", "none", got "ssl"`,
			}},
		{"inline author table", "authors.ana = { email = \"ana@example.com\", nick = \"a\" }\n" + minimal,
			[]string{
				`FILE:1:1: unknown key "authors.ana.nick"`,
				`FILE:1:1: authors.ana.name is required`,
			}},
		{"dotted key in the wrong table", minimal + "authors.ana.name = \"Ana\"\n",
			[]string{`FILE:4:1: unknown key "site.authors"`}},
		{"newsletter needs from", minimal + "[smtp]\n[newsletter]\nenabled = true\n",
			[]string{`FILE:4:1: smtp.from is required when newsletter.enabled is true`}},
		{"list id not RFC 2919", minimal + "[newsletter]\nlist_id = \"My list <not an id>\"\n",
			[]string{`FILE:5:11: newsletter.list_id: want "list.example.com" or "Description <list.example.com>" (RFC 2919), got "My list <not an id>"`}},
		{"dkim key file missing", minimal + "[dkim]\ndomain = \"example.com\"\nselector = \"s\"\nkey_file = \"nope.pem\"\n",
			[]string{`FILE:7:12: dkim.key_file: read key: open DIR/nope.pem: no such file or directory`}},
		{"templates folder missing", "templates_dir = \"nope.pem\"\n" + minimal,
			[]string{`FILE:1:17: templates_dir: not a folder: DIR/nope.pem`}},
		{"postgres without dsn", minimal + "[store]\ndriver = \"postgres\"\n",
			[]string{`FILE:4:1: store.dsn is required with driver postgres (or set env DATABASE_URL)`}},
		{"short secret", minimal + "[subscribers]\nsecret = \"short\"\nform_origins = [\"https://a.example/form\"]\n",
			[]string{
				`FILE:5:10: subscribers.secret: the secret is 5 bytes, want at least 32`,
				`FILE:6:16: subscribers.form_origins: want an origin such as https://blog.example.com, got "https://a.example/form"`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := loadErrors(t, tt.src, nil)
			for i := range got {
				got[i] = dirPattern(got[i])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// dirPattern replaces an absolute temporary folder in msg with DIR.
func dirPattern(msg string) string {
	i := strings.Index(msg, " /")
	j := strings.LastIndex(msg, "/nope.pem")
	if i < 0 || j <= i {
		return msg
	}
	return msg[:i+1] + "DIR" + msg[j:]
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "absent.toml"), nil)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || !strings.Contains(errs[0].Msg, "read config") {
		t.Fatalf("got %v, want one read config error", err)
	}
}
