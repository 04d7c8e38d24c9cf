package web

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/templates"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output; run `go test ./internal/web -run %s -update` and review the diff.\ngot:\n%s", path, t.Name(), got)
	}
}

func TestEmailsGolden(t *testing.T) {
	v, err := parseViews(templates.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	site := Site{Title: "Test Blog", BaseURL: "https://blog.example.com/", Language: "en"}
	cases := []struct {
		name, email string
		data        emailData
	}{
		{"confirm", "confirm", emailData{Lang: "en", Site: site, Name: "Ada <b>",
			ConfirmURL: "https://news.example.com/confirm/TOKEN", Expires: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}},
		{"confirm without name", "confirm", emailData{Lang: "en", Site: site,
			ConfirmURL: "https://news.example.com/confirm/TOKEN", Expires: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}},
		{"welcome", "welcome", emailData{Lang: "en", Site: site, Name: "Ada",
			PreferencesURL: "https://news.example.com/preferences/P", UnsubscribeURL: "https://news.example.com/unsubscribe/U"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			subject, text, html, err := v.email(tc.email, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			doc := "Subject: " + subject + "\n\n--- text/plain ---\n" + text + "\n--- text/html ---\n" + html
			golden(t, "email-"+strings.ReplaceAll(tc.name, " ", "-")+".golden", doc)
		})
	}
}

func TestHomePageGolden(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetFeeds(testFeeds())
	e.srv.SetPosts(testPosts())
	_, body := e.do(t, "GET", "/", nil, nil)
	golden(t, "home.golden", strings.ReplaceAll(body, e.ts.URL, "http://herald.test"))
}
