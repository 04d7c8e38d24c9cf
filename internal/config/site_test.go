package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hugoSite writes a small Hugo site and a herald.toml beside it that sets
// extra (TOML lines) and posts.dir; it returns the herald.toml path.
func hugoSite(t *testing.T, hugoToml, extra string) string {
	t.Helper()
	dir := t.TempDir()
	for path, text := range map[string]string{
		"hugo.toml":          hugoToml,
		"content/posts/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\n",
		"herald.toml":        "data_dir = \"data\"\n" + extra + "[posts]\ndir = \"content/posts\"\n",
		"config.toml":        "# herald's own config may be called config.toml: never read as Hugo's\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "herald.toml")
}

const fixtureHugo = "baseURL = \"https://site.example/blog/\"\ntitle = \"Site Title\"\nlanguageCode = \"fr-fr\"\ntimeZone = \"Europe/Paris\"\n[permalinks]\nposts = \"/:year/:slug/\"\n"

func TestSiteConfigFillsWhatHeraldDoesNotSet(t *testing.T) {
	path := hugoSite(t, fixtureHugo, "")
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	hugo := filepath.Join(filepath.Dir(path), "hugo.toml")
	for key, want := range map[string]string{
		"site.base_url":   "https://site.example/blog # " + hugo + ":1",
		"site.title":      "Site Title # " + hugo + ":2",
		"site.language":   "fr-fr # " + hugo + ":3",
		"site.time_zone":  "Europe/Paris # " + hugo + ":4",
		"posts.permalink": "hugo permalinks: posts = /:year/:slug/ # " + hugo + ":6",
	} {
		if got := setting(cfg, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if cfg.Site.Location.String() != "Europe/Paris" || cfg.Posts.Permalink != "" || cfg.Generator == nil {
		t.Errorf("location %v, permalink %q, generator %v", cfg.Site.Location, cfg.Posts.Permalink, cfg.Generator)
	}
}

func TestHeraldTomlWinsOverTheSite(t *testing.T) {
	path := hugoSite(t, fixtureHugo, "[site]\ntitle = \"Mine\"\nbase_url = \"https://mine.example\"\n")
	cfg, err := Load(path, []string{"HERALD_SITE_TIME_ZONE=UTC", "HERALD_POSTS_PERMALINK=/{slug}/"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Site.Title != "Mine" || cfg.Site.BaseURL != "https://mine.example" || cfg.Site.TimeZone != "UTC" ||
		cfg.Posts.Permalink != "/{slug}/" || cfg.Site.Language != "fr-fr" {
		t.Errorf("site %+v, permalink %q", cfg.Site, cfg.Posts.Permalink)
	}
	if got := setting(cfg, "site.title"); !strings.HasSuffix(got, "herald.toml:3") {
		t.Errorf("site.title = %q, want its herald.toml source", got)
	}
}

func TestBadSiteValueIsReportedInTheSiteFile(t *testing.T) {
	path := hugoSite(t, strings.Replace(fixtureHugo, "Europe/Paris", "Mars/Olympus", 1), "")
	_, err := Load(path, nil)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("Load = %v, want one error", err)
	}
	want := filepath.Join(filepath.Dir(path), "hugo.toml") + ":4: site.time_zone:"
	if !strings.HasPrefix(errs[0].Error(), want) || !strings.Contains(errs[0].Error(), "site's own config") {
		t.Errorf("error = %q, want it at %s", errs[0], want)
	}
}

// setting is "value # source" as herald config shows key.
func setting(cfg *Config, key string) string {
	for _, s := range cfg.Settings() {
		if s.Key == key {
			return s.Value + " # " + s.Source
		}
	}
	return ""
}

func TestSiteWithoutPermalinksUsesTheGeneratorDefault(t *testing.T) {
	path := hugoSite(t, "baseURL = \"https://site.example/\"\ntitle = \"T\"\n", "")
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Posts.Permalink != "" || setting(cfg, "posts.permalink") != "hugo's default URLs # default" {
		t.Errorf("permalink %q, setting %q; want Hugo's own default", cfg.Posts.Permalink, setting(cfg, "posts.permalink"))
	}
}
