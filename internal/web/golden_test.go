package web

import (
	"github.com/heraldhq/herald/internal/testkit"

	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/templates"
)

// TestEmailsGolden renders the confirmation and welcome emails in two
// languages and two time zones (the expiry and the vacation dates follow
// the zone), the welcome with and without a vacation in force.
func TestEmailsGolden(t *testing.T) {
	v, err := parseViews(templates.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	expires := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for _, lz := range []struct{ lang, zone string }{{"en", "Europe/Paris"}, {"de", "America/New_York"}} {
		zone, err := time.LoadLocation(lz.zone)
		if err != nil {
			t.Fatal(err)
		}
		site := Site{Title: "Test Blog", BaseURL: "https://blog.example.com/", Language: lz.lang, Location: zone}
		vac := &Vacation{Until: time.Date(2027, 1, 4, 0, 0, 0, 0, zone), Note: "Skiing",
			Next: time.Date(2027, 1, 4, 9, 0, 0, 0, zone), SameDay: true}
		cases := []struct {
			name, email string
			data        emailData
		}{
			{"confirm", "confirm", emailData{Site: site, Name: "Ada <b>",
				ConfirmURL: "https://news.example.com/confirm/TOKEN", Expires: expires.In(zone)}},
			{"confirm without name", "confirm", emailData{Site: site,
				ConfirmURL: "https://news.example.com/confirm/TOKEN", Expires: expires.In(zone)}},
			{"welcome", "welcome", emailData{Site: site, Name: "Ada",
				PreferencesURL: "https://news.example.com/preferences/P", UnsubscribeURL: "https://news.example.com/unsubscribe/U"}},
			{"welcome on vacation", "welcome", emailData{Site: site, Name: "Ada", Vacation: vac,
				PreferencesURL: "https://news.example.com/preferences/P", UnsubscribeURL: "https://news.example.com/unsubscribe/U"}},
		}
		for _, tc := range cases {
			name := tc.name + " " + lz.lang + " " + strings.ReplaceAll(lz.zone, "/", "-")
			t.Run(name, func(t *testing.T) {
				tc.data.Lang = lz.lang
				subject, text, html, err := v.email(tc.email, tc.data)
				if err != nil {
					t.Fatal(err)
				}
				doc := "Subject: " + subject + "\n\n--- text/plain ---\n" + text + "\n--- text/html ---\n" + html
				testkit.Golden(t, filepath.Join("testdata", "email-"+strings.ReplaceAll(name, " ", "-")+".golden"), []byte(doc))
			})
		}
	}
}

// TestEmailLayoutsForMailClients: the confirmation and welcome HTML put
// their styles on a wrapper table, inline, in px; nothing on <body>, no
// rem or em units, no <style> block that mail clients drop.
func TestEmailLayoutsForMailClients(t *testing.T) {
	for _, name := range []string{"confirm", "welcome"} {
		raw, err := fs.ReadFile(templates.Embedded(), "email/"+name+".html")
		if err != nil {
			t.Fatal(err)
		}
		html := string(raw)
		for _, bad := range []*regexp.Regexp{regexp.MustCompile(`<body[^>]*style=`), regexp.MustCompile(`[0-9.]+r?em\b`),
			regexp.MustCompile(`<style`), regexp.MustCompile(`<div`)} {
			if m := bad.FindString(html); m != "" {
				t.Errorf("email/%s.html has %q, which mail clients ignore or render unevenly", name, m)
			}
		}
		if !regexp.MustCompile(`<table role="presentation"[^>]*style="[^"]*"`).MatchString(html) {
			t.Errorf("email/%s.html has no styled wrapper table", name)
		}
		if !strings.Contains(html, `lang="{{.Lang}}"`) {
			t.Errorf("email/%s.html does not take lang from the site", name)
		}
	}
}

func TestHomePageGolden(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetFeeds(testFeeds())
	e.srv.SetPosts(testPosts())
	_, body := e.do(t, "GET", "/", nil, nil)
	testkit.Golden(t, filepath.Join("testdata", "home.golden"), []byte(strings.ReplaceAll(body, e.ts.URL, "http://herald.test")))
}
