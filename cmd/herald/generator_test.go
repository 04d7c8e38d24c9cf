package main

import (
	"github.com/heraldhq/herald/internal/testkit"

	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckAndBuildReportRemovedShortcodes: check lists each shortcode or
// Liquid tag herald cannot render with its file and line, build counts
// them, and neither reaches the feed as text.
func TestCheckAndBuildReportRemovedShortcodes(t *testing.T) {
	site := newTestSite(t, "Test blog")
	writeFile(t, filepath.Join(site.posts, "notes.md"),
		"---\ntitle: Notes\ndate: 2026-01-02\n---\nIntro.\n\n{{< note >}}\nKept text.\n{{< /note >}}\n\n{{< youtube 43Yq24I0KNI >}}\n\n{% seo %}\n")
	_, errOut, err := runCmd(t, "check", "-config", site.config)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, errOut)
	}
	for _, want := range []string{"note: notes.md:7: shortcode note removed", "note: notes.md:13: liquid seo removed"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("check output lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "youtube") {
		t.Errorf("check reports youtube, which herald renders:\n%s", errOut)
	}
	out, errOut, err := runCmd(t, "build", "-config", site.config)
	if err != nil || !strings.Contains(out, "2 unsupported shortcode or Liquid tags removed from the posts") {
		t.Fatalf("build: %v\n%s\n%s", err, out, errOut)
	}
	data, err := os.ReadFile(filepath.Join(site.dir, "data", "feeds", "atom.xml"))
	if err != nil {
		t.Fatal(err)
	}
	feed := string(data)
	for _, bad := range []string{"{{&lt;", "{%", "{{%"} {
		if strings.Contains(feed, bad) {
			t.Errorf("feed has %q:\n%s", bad, feed)
		}
	}
	if !strings.Contains(feed, "Kept text.") || !strings.Contains(feed, "youtube.com/watch?v=43Yq24I0KNI") {
		t.Errorf("feed lacks the note's text or the video link:\n%s", feed)
	}
}

// TestFixtureSitesGoldenFeeds builds the feeds of the Hugo and Jekyll
// fixture sites (internal/siteconfig/testdata) with a herald.toml that
// names only the title, the base URL and the posts folder, and compares
// them with testdata/sites/*. Run with -update to rewrite them.
func TestFixtureSitesGoldenFeeds(t *testing.T) {
	for _, tc := range []struct{ name, posts, title, base string }{
		{"hugo", "hugo/content", "Fixture Hugo Blog", "https://hugo.example.org/"},
		{"jekyll", "jekyll", "Fixture Jekyll Blog", "https://jekyll.example.net/blog"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			posts, err := filepath.Abs(filepath.Join("..", "..", "internal", "siteconfig", "testdata", filepath.FromSlash(tc.posts)))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			cfg := filepath.Join(dir, "herald.toml")
			writeFile(t, cfg, fmt.Sprintf("data_dir = \"data\"\n[site]\ntitle = %q\nbase_url = %q\n[posts]\ndir = %q\n", tc.title, tc.base, posts))
			out, errOut, err := runCmd(t, "build", "-config", cfg)
			if err != nil {
				t.Fatalf("build: %v\n%s\n%s", err, out, errOut)
			}
			for _, name := range []string{"atom.xml", "rss.xml", "feed.json"} {
				got, err := os.ReadFile(filepath.Join(dir, "data", "feeds", name))
				if err != nil {
					t.Fatal(err)
				}
				testkit.Golden(t, filepath.Join("testdata", "sites", tc.name+"-"+name), got)
			}
		})
	}
}
