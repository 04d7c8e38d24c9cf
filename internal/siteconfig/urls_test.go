package siteconfig_test

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
)

// loadSite reads the posts under dir as herald does with a config naming
// only the posts folder: base URL, time zone and permalinks from the site.
func loadSite(t *testing.T, dir string) *post.Snapshot {
	t.Helper()
	s := mustDetect(t, dir)
	opts := post.Options{Dir: dir, Site: s.PostSite(), DataAuthors: s.PostAuthors()}
	for _, v := range s.Values {
		switch v.Key {
		case "site.base_url":
			opts.BaseURL = v.Value
		case "site.time_zone":
			loc, err := time.LoadLocation(v.Value)
			if err != nil {
				t.Fatal(err)
			}
			opts.Location = loc
		}
	}
	lib := post.NewLibrary(opts)
	if err := lib.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap := lib.Snapshot()
	if probs := snap.Problems(); len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	return snap
}

func permalinks(snap *post.Snapshot) map[string]string {
	out := map[string]string{}
	for _, p := range snap.All() {
		out[p.Path] = p.Permalink
	}
	return out
}

func checkURLs(t *testing.T, got, want map[string]string) {
	t.Helper()
	for path, w := range want {
		if got[path] != w {
			t.Errorf("%s: URL %q, want %q", path, got[path], w)
		}
	}
	for path, g := range got {
		if _, ok := want[path]; !ok {
			t.Errorf("%s (%s) is published but is not a post", path, g)
		}
	}
}

// TestHugoURLs: each rule of the Hugo fixture. TestHugoBuildsTheSameURLs
// checks the same against Hugo itself.
func TestHugoURLs(t *testing.T) {
	got := permalinks(loadSite(t, filepath.Join("testdata", "hugo", "content")))
	const b = "https://hugo.example.org"
	checkURLs(t, got, map[string]string{
		"posts/first-post.md":      b + "/2023/03/first-post/",                   // :slug falls back to the title, urlized
		"posts/with-slug.md":       b + "/2023/04/custom-slug/",                  // :slug from the front matter, urlized
		"posts/trip/index.md":      b + "/2023/05/our-trip-day-1/",               // a bundle; the date keeps its own offset
		"posts/url-override.md":    b + "/special/Moved-Here/",                   // url front matter, case kept
		"posts/draft.md":           b + "/2023/06/not-yet/",                      // drafts have URLs too (not published)
		"posts/expired.md":         b + "/2023/01/gone/",                         // "------" opener
		"news/release.md":          b + "/news/2023/07/04/release-1.2-big.news/", // :title keeps dots, drops ":"
		"notes/Hello.World.md":     b + "/notes/hello.world/",                    // :filename, lowercased
		"blog/Deep/Nested Post.md": b + "/blog/deep/nested-post/",                // no pattern: the content path, lowercased
		// about.md (an undated page under content/) and the _index.md files are not posts.
	})
}

// TestHugoBuildsTheSameURLs builds the fixture with Hugo and checks that
// every post's URL is the one Hugo gives it. It needs the hugo program
// (Debian package hugo); under CI=true a missing hugo is a failure.
func TestHugoBuildsTheSameURLs(t *testing.T) {
	site := t.TempDir() // hugo writes a lock file and caches into the site
	if err := os.CopyFS(site, os.DirFS(filepath.Join("testdata", "hugo"))); err != nil {
		t.Fatal(err)
	}
	got := compareWithHugo(t, site, "content")
	if len(got) < 8 {
		t.Fatalf("herald read %d posts, want the fixture's 9", len(got))
	}
	if _, ok := got["about.md"]; ok {
		t.Error("herald published about.md")
	}
}

// TestHugoMultilingualUglyURLs: a site whose posts are in a language's
// contentDir, with per-section uglyURLs and no [permalinks]; French pages
// live under /fr/. The expected URLs are checked against Hugo too.
func TestHugoMultilingualUglyURLs(t *testing.T) {
	site := t.TempDir()
	write(t, filepath.Join(site, "config", "_default", "hugo.toml"), "baseURL = \"https://multi.example/\"\ntitle = \"Multi\"\ndefaultContentLanguage = \"en\"\n[uglyURLs]\nnews = true\n")
	write(t, filepath.Join(site, "config", "_default", "languages.en.toml"), "contentDir = \"content/en\"\nweight = 1\nlocale = \"en-US\"\n")
	write(t, filepath.Join(site, "config", "_default", "languages.fr.toml"), "contentDir = \"content/fr\"\nweight = 2\ntitle = \"Multi FR\"\n")
	for _, lang := range []string{"en", "fr"} {
		write(t, filepath.Join(site, "content", lang, "news", "Big Launch.md"), "---\ntitle: Launch\ndate: 2024-05-06\n---\n")
		write(t, filepath.Join(site, "content", lang, "blog", "note.md"), "---\ntitle: Note\ndate: 2024-05-07\nslug: My-Note\n---\n")
	}
	want := map[string]map[string]string{
		"en": {"news/Big Launch.md": "https://multi.example/news/big-launch.html", "blog/note.md": "https://multi.example/blog/my-note/"},
		"fr": {"news/Big Launch.md": "https://multi.example/fr/news/big-launch.html", "blog/note.md": "https://multi.example/fr/blog/my-note/"},
	}
	for lang, urls := range want {
		s := mustDetect(t, filepath.Join(site, "content", lang))
		if v, _ := s.Value("site.title"); lang == "fr" && v.Value != "Multi FR" {
			t.Errorf("fr title = %+v", v)
		}
		checkURLs(t, permalinks(loadSite(t, filepath.Join(site, "content", lang))), urls)
	}
	compareWithHugo(t, site, "content/en")
	compareWithHugo(t, site, "content/fr")
}

// compareWithHugo runs `hugo list all` on the site and checks that the
// URL herald gives each post under the folder posts (relative to the
// site) is Hugo's; it returns herald's URLs by path under posts. Without
// the hugo program it skips (fails under CI=true) after herald's part.
func compareWithHugo(t *testing.T, site, posts string) map[string]string {
	t.Helper()
	got := permalinks(loadSite(t, filepath.Join(site, filepath.FromSlash(posts))))
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("hugo is not installed (apt-get install hugo); CI requires it")
		}
		t.Skip("hugo is not installed: apt-get install hugo to compare herald's URLs with Hugo's")
	}
	cmd := exec.Command(hugo, "list", "all", "--source", site)
	cmd.Env = append(os.Environ(), "HUGO_CACHEDIR="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("hugo list all: %v\n%s", err, out)
	}
	rows, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("hugo list all output: %v\n%s", err, out)
	}
	hugoURLs := map[string]string{}
	for _, r := range rows[1:] {
		if rel, ok := strings.CutPrefix(r[0], posts+"/"); ok {
			hugoURLs[rel] = r[len(r)-1]
		}
	}
	for path, url := range got {
		if hugoURLs[path] != url {
			t.Errorf("%s: herald %q, Hugo %q", path, url, hugoURLs[path])
		}
	}
	return got
}

// TestJekyllURLs: Jekyll is not installed here; each expected URL follows
// the rule in its comment (Jekyll 4's URL drop and named styles).
func TestJekyllURLs(t *testing.T) {
	got := permalinks(loadSite(t, filepath.Join("testdata", "jekyll")))
	const b = "https://jekyll.example.net/blog" // url + baseurl
	checkURLs(t, got, map[string]string{
		// :categories from the singular category, lowercased and escaped;
		// :title keeps the file name's case and dots.
		"_posts/2025-03-18-Rust-1.85.1.md": b + "/release%20notes/2025/03/18/Rust-1.85.1.html",
		// categories as a string are split on spaces; 19:00 -0700 is still
		// 5 May in America/Los_Angeles (it is 6 May in UTC).
		"_posts/2013-05-05-late-night.md": b + "/night/owls/2013/05/05/late-night.html",
		// slug front matter feeds :title, slugified in pretty mode keeping case.
		"_posts/2024-01-02-liquid-tour.markdown": b + "/2024/01/02/Tour-Of-Liquid.html",
		// permalink front matter wins; :slug is slugified and lowercased.
		"_posts/2024-02-03-own-permalink.md": b + "/custom/2024/own-permalink.html",
		// the folder above _posts is a category, before the front matter's.
		"news/_posts/2024-04-05-folder-category.md": b + "/news/updates/2024/04/05/folder-category.html",
		// about.md (outside _posts) and _drafts/unfinished.md are not posts.
	})
}

// TestJekyllNamedStyles: _config.yml's permalink as a named style.
func TestJekyllNamedStyles(t *testing.T) {
	for style, want := range map[string]string{
		"date":                          "/notes/2024/03/09/Hello.World.html",
		"pretty":                        "/notes/2024/03/09/Hello.World/",
		"ordinal":                       "/notes/2024/069/Hello.World.html",
		"none":                          "/notes/Hello.World.html",
		"/:year/:i_month/:i_day/:slug/": "/2024/3/9/hello-world/",
	} {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "_config.yml"), "url: https://j.example\npermalink: "+style+"\n")
		write(t, filepath.Join(dir, "_posts", "2024-03-09-Hello.World.md"), "---\ntitle: Hi\ncategories: [Notes]\n---\n")
		got := permalinks(loadSite(t, dir))
		if u := got["_posts/2024-03-09-Hello.World.md"]; u != "https://j.example"+want {
			t.Errorf("permalink %s: %s, want %s", style, u, want)
		}
	}
}

// TestHeraldPermalinkOverridesTheSite: posts.permalink set in herald.toml
// wins over the generator's rules.
func TestHeraldPermalinkOverridesTheSite(t *testing.T) {
	dir := filepath.Join("testdata", "jekyll")
	s := mustDetect(t, dir)
	opts := post.Options{Dir: dir, BaseURL: "https://h.example", Permalink: "/{year}/{slug}/", Site: s.PostSite()}
	p, err := post.Parse("_posts/2025-03-18-Rust-1.85.1.md", []byte("---\ntitle: T\ncategory: x\n---\n"), opts)
	if err != nil || p.Permalink != "https://h.example/2025/rust-1-85-1/" {
		t.Fatalf("Parse = %v, %v; want herald's pattern", p, err)
	}
}

// TestHugoRefToAPage: ref and relref to a page that is not a post (a
// section, an About page) give the page's URL, as Hugo does.
func TestHugoRefToAPage(t *testing.T) {
	snap := loadSite(t, filepath.Join("testdata", "hugo", "content", "posts"))
	var p *post.Post
	for _, q := range snap.All() {
		if q.Path == "first-post.md" {
			p = q
		}
	}
	if p == nil {
		t.Fatal("first-post.md not read")
	}
	html := p.ContentHTML()
	for _, want := range []string{`href="https://hugo.example.org/about/"`, `href="https://hugo.example.org/blog/"`} {
		if !strings.Contains(html, want) {
			t.Errorf("content lacks %s:\n%s", want, html)
		}
	}
	for _, d := range p.Unsupported {
		if strings.Contains(d.Name, "ref") {
			t.Errorf("reference reported as dangling: %+v", d)
		}
	}
}
