package siteconfig_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/siteconfig"
)

func mustDetect(t *testing.T, dir string) *siteconfig.Site {
	t.Helper()
	s, err := siteconfig.Detect(dir)
	if err != nil || s == nil {
		t.Fatalf("Detect(%s) = %v, %v; want a site", dir, s, err)
	}
	return s
}

// wantValues checks s.Values against key -> "value @ file:line" (file base name).
func wantValues(t *testing.T, s *siteconfig.Site, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, v := range s.Values {
		got[v.Key] = v.Value + " @ " + filepath.Base(v.Source)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Values = %v, want %v", got, want)
	}
}

func TestDetectHugoFixture(t *testing.T) {
	s := mustDetect(t, filepath.Join("testdata", "hugo", "content", "posts"))
	if s.Generator != "hugo" || s.Prefix != "posts" || s.DisablePathToLower {
		t.Errorf("site = %+v", s)
	}
	wantValues(t, s, map[string]string{
		"site.base_url":  "https://hugo.example.org @ hugo.toml:2",
		"site.title":     "Fixture Hugo Blog @ hugo.toml:3",
		"site.language":  "en-gb @ hugo.toml:4",
		"site.time_zone": "America/Los_Angeles @ hugo.toml:5",
	})
	if s.Permalinks["posts"] != "/:year/:month/:slug/" || s.Permalinks["notes"] != "/notes/:filename/" || filepath.Base(s.PermalinkSource) != "hugo.toml:8" {
		t.Errorf("permalinks %v from %s", s.Permalinks, s.PermalinkSource)
	}
	if s.Vars["params.tagline"] != "Notes from the fixture" {
		t.Errorf("Vars = %v", s.Vars)
	}
}

func TestDetectJekyllFixture(t *testing.T) {
	s := mustDetect(t, filepath.Join("testdata", "jekyll"))
	if s.Generator != "jekyll" || s.Prefix != "" || !strings.HasSuffix(s.Includes, "_includes") {
		t.Errorf("site = %+v", s)
	}
	wantValues(t, s, map[string]string{
		"site.base_url":  "https://jekyll.example.net/blog @ _config.yml:3",
		"site.title":     "Fixture Jekyll Blog @ _config.yml:2",
		"site.language":  "en-US @ _config.yml:5",
		"site.time_zone": "America/Los_Angeles @ _config.yml:6",
	})
	// The posts collection's permalink wins over the global one.
	if s.Permalinks["posts"] != "/:categories/:year/:month/:day/:title:output_ext" || filepath.Base(s.PermalinkSource) != "_config.yml:13" {
		t.Errorf("permalinks %v from %s", s.Permalinks, s.PermalinkSource)
	}
	if a := s.Authors["jdoe"]; a.Name != "Jane Doe" || a.Email != "jane@example.net" || a.URL != "https://jane.example.net/" {
		t.Errorf("authors = %+v", s.Authors)
	}
	if s.Vars["repository"] != "https://github.com/example/fixture" {
		t.Errorf("Vars = %v", s.Vars)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDetectHugoConfigFolderAndFormats(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "config", "_default", "hugo.yaml"), "title: Split\nbaseURL: https://split.example/\ncontentDir: text\ndisablePathToLower: true\n")
	write(t, filepath.Join(dir, "config", "_default", "permalinks.json"), "{\n  \"page\": {\n    \"blog\": \"/:section/:slug/\"\n  }\n}\n")
	write(t, filepath.Join(dir, "config", "_default", "params.toml"), "author = \"Site Author\"\n")
	s := mustDetect(t, filepath.Join(dir, "text", "blog"))
	wantValues(t, s, map[string]string{"site.base_url": "https://split.example @ hugo.yaml:2", "site.title": "Split @ hugo.yaml:1"})
	if s.Permalinks["blog"] != "/:section/:slug/" || filepath.Base(s.PermalinkSource) != "permalinks.json:3" || !s.DisablePathToLower {
		t.Errorf("site = %+v", s)
	}
	if s.Vars["params.author"] != "Site Author" {
		t.Errorf("Vars = %v", s.Vars)
	}
}

func TestDetectNothing(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "hugo.toml"), "title = \"x\"\n")
	write(t, filepath.Join(dir, "posts", "a.md"), "")
	for _, d := range []string{t.TempDir(), filepath.Join(dir, "posts")} { // a plain folder; a folder outside Hugo's content
		if s, err := siteconfig.Detect(d); s != nil || err != nil {
			t.Errorf("Detect(%s) = %+v, %v; want nothing", d, s, err)
		}
	}
}

func TestDetectBrokenConfig(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "_config.yml"), "title: [unclosed\n")
	if _, err := siteconfig.Detect(dir); err == nil || !strings.Contains(err.Error(), "_config.yml") {
		t.Errorf("Detect = %v, want an error naming _config.yml", err)
	}
}
