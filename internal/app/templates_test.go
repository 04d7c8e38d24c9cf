package app

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/heraldhq/herald/internal/config"
)

// TestSIGHUPRereadsTemplates edits templates in templates_dir while the
// daemon runs, leaving the config as it is, and sends SIGHUP, which reads
// them again for the pages, the feeds' stylesheet and the newsletter (the
// watcher would too; SIGHUP is the operator's way to insist). A newsletter
// template that does not parse is refused before anything is switched: the
// pages keep the last good templates and the newsletter keeps running.
func TestSIGHUPRereadsTemplates(t *testing.T) {
	hup := make(chan os.Signal, 1)
	dir, d, logs := startWithTemplates(t, hup)
	get := func(path string) string { t.Helper(); _, body := getFrom(t, d, path); return body }
	if css, xsl := get("/static/style.css"), get("/feeds/style.xsl"); css != "/* v1 */" || !strings.Contains(xsl, "v1") {
		t.Fatalf("before the edit: style.css %q, style.xsl %q", css, xsl)
	}
	saveTemplate(t, filepath.Join(dir, "tpl", "pages", "style.css"), "/* v2 */")
	saveTemplate(t, filepath.Join(dir, "tpl", "feed", "style.xsl"), "<!-- v2 -->")
	hup <- syscall.SIGHUP
	// The log line comes once the newsletter engine restarted too (the
	// watcher's own reload may come before SIGHUP's: wait for SIGHUP's).
	waitFor(t, "the templates applied after SIGHUP", func() bool {
		_, after, ok := strings.Cut(logs.String(), "SIGHUP received")
		return ok && strings.Contains(after, "changed=[templates_dir]")
	})
	if css, xsl := get("/static/style.css"), get("/feeds/style.xsl"); css != "/* v2 */" || !strings.Contains(xsl, "v2") {
		t.Errorf("after the edit and SIGHUP: style.css %q, style.xsl %q", css, xsl)
	}

	// The broken template is saved first, so that the watcher, which may
	// see the two saves apart, refuses the stylesheet too.
	saveTemplate(t, filepath.Join(dir, "tpl", "email", "newsletter.html"), "{{ range .Posts }}")
	saveTemplate(t, filepath.Join(dir, "tpl", "pages", "style.css"), "/* v3 */")
	hup <- syscall.SIGHUP
	waitFor(t, "the refused templates in the log", func() bool {
		return strings.Contains(logs.String(), "Templates not applied") && strings.Contains(logs.String(), "newsletter.html")
	})
	// The engine is stopped only after the pages switch: pages still on
	// v2 mean nothing was switched, the running newsletter included.
	if css := get("/static/style.css"); css != "/* v2 */" {
		t.Errorf("style.css after a refused reload: %q, want the last good /* v2 */", css)
	}

	// An edit of an unrelated key that leaves the newsletter as it is
	// (posts.summary_words) is applied with the templates already parsed:
	// the broken one on disk does not hold it back.
	text, _ := os.ReadFile(filepath.Join(dir, "herald.toml"))
	writeFile(t, filepath.Join(dir, "herald.toml"), strings.Replace(string(text), "[posts]\n", "[posts]\nsummary_words = 20\n", 1))
	waitFor(t, "the unrelated key applied", func() bool { return strings.Contains(logs.String(), "changed=[posts.summary_words]") })
	if css := get("/static/style.css"); css != "/* v2 */" {
		t.Errorf("style.css after an unrelated reload: %q, want the parsed /* v2 */", css)
	}
}

// TestTemplateEditsWatched saves templates while the daemon runs, with no
// signal: the watcher sees templates_dir and the daemon reads it again. A
// save that breaks a template is refused with the file named, and the last
// good templates stay in use; the fix is applied in turn. A post saved in
// the same moment is still published.
func TestTemplateEditsWatched(t *testing.T) {
	dir, d, logs := startWithTemplates(t, nil)
	get := func(path string) string { t.Helper(); _, body := getFrom(t, d, path); return body }
	if css := get("/static/style.css"); css != "/* v1 */" {
		t.Fatalf("before the edit: style.css %q", css)
	}

	saveTemplate(t, filepath.Join(dir, "tpl", "pages", "style.css"), "/* v2 */")
	writeFile(t, filepath.Join(dir, "posts", "second.md"), "---\ntitle: Second post\ndate: 2026-01-02\n---\nBody.\n")
	waitFor(t, "the saved stylesheet served", func() bool { return get("/static/style.css") == "/* v2 */" })
	waitFor(t, "the post saved with it published", func() bool { return strings.Contains(get("/feeds/rss.xml"), "Second post") })
	waitFor(t, "the templates applied in the log", func() bool {
		return strings.Contains(logs.String(), "Templates changed") && strings.Contains(logs.String(), "Templates applied")
	})

	saveTemplate(t, filepath.Join(dir, "tpl", "email", "newsletter.html"), "{{ range .Posts }}")
	waitFor(t, "the broken template refused", func() bool {
		return strings.Contains(logs.String(), "Templates not applied") && strings.Contains(logs.String(), "newsletter.html")
	})
	saveTemplate(t, filepath.Join(dir, "tpl", "pages", "style.css"), "/* v3 */")
	waitFor(t, "a second refusal while the template is broken", func() bool {
		return strings.Count(logs.String(), "Templates not applied") >= 2
	})
	if css := get("/static/style.css"); css != "/* v2 */" {
		t.Errorf("style.css while a template is broken: %q, want the last good /* v2 */", css)
	}

	if err := os.Remove(filepath.Join(dir, "tpl", "email", "newsletter.html")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the templates applied once the broken one is gone", func() bool { return get("/static/style.css") == "/* v3 */" })
}

// TestIsTemplate sorts saved files between templates and posts, whichever
// folder holds the other.
func TestIsTemplate(t *testing.T) {
	for _, tc := range []struct {
		posts, templates, path string
		want                   bool
	}{
		{"/site/content", "/site/herald", "/site/herald/pages/style.css", true},
		{"/site/content", "/site/herald", "/site/content/post.md", false},
		{"/site/content", "/site/herald", "/site/heraldic/x.html", false}, // a sibling sharing the prefix
		{"/site/content", "/site/herald", "/site/herald", false},
		{"/site", "/site/herald", "/site/herald/email/newsletter.html", true}, // templates inside the posts folder
		{"/site", "/site/herald", "/site/post.md", false},
		{"/site/tpl/posts", "/site/tpl", "/site/tpl/posts/post.md", false}, // posts inside the templates folder
		{"/site/tpl/posts", "/site/tpl", "/site/tpl/pages/home.html", true},
		{"/site/content", "", "/site/herald/pages/style.css", false}, // no templates_dir
	} {
		d := &Daemon{cfg: &config.Config{TemplatesDir: tc.templates, Posts: config.Posts{Dir: tc.posts}}}
		if got := d.isTemplate(tc.path); got != tc.want {
			t.Errorf("posts %s, templates %q: isTemplate(%s) = %v, want %v", tc.posts, tc.templates, tc.path, got, tc.want)
		}
	}
}

// saveTemplate saves a template as editors do, to a temporary file renamed
// over it, so that the watcher never sees it half written.
func saveTemplate(t *testing.T, path, text string) {
	t.Helper()
	writeFile(t, path+".tmp", text)
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
}

// startWithTemplates starts a daemon with the newsletter on over one post
// and templates_dir "tpl" (style.css and style.xsl at v1), with hup as its
// SIGHUP channel, and stops it when the test ends.
func startWithTemplates(t *testing.T, hup chan os.Signal) (string, *Daemon, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "posts", "first.md"), "---\ntitle: First post\ndate: 2026-01-01\n---\nBody.\n")
	writeFile(t, filepath.Join(dir, "tpl", "pages", "style.css"), "/* v1 */")
	writeFile(t, filepath.Join(dir, "tpl", "feed", "style.xsl"), "<!-- v1 -->")
	writeFile(t, filepath.Join(dir, "herald.toml"), "templates_dir = \"tpl\"\n"+testConfig+
		"[smtp]\nfrom = \"news@blog.example.com\"\n[newsletter]\nenabled = true\nschedule = \"0 9 * * 1\"\n")
	cfg, err := config.Load(filepath.Join(dir, "herald.toml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	d, err := Start(context.Background(), cfg, Env{Stdout: io.Discard, Stderr: logs, Hup: hup})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.stopLoop(); d.Wait() })
	return dir, d, logs
}

// TestStartRefusesBrokenTemplates starts the daemon over templates_dir
// with broken templates: it refuses, naming every broken file with its
// line, and before it writes a feed, even when only the newsletter's
// template is broken (the part that starts last).
func TestStartRefusesBrokenTemplates(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "posts", "first.md"), "---\ntitle: First post\ndate: 2026-01-01\n---\nBody.\n")
	writeFile(t, filepath.Join(dir, "tpl", "pages", "home.html"), "{{ define \"content\" }}\n{{ if }}{{ end }}\n{{ end }}")
	writeFile(t, filepath.Join(dir, "tpl", "email", "newsletter.html"), "Hello\n\n{{ range .Posts }}")
	writeFile(t, filepath.Join(dir, "herald.toml"), "templates_dir = \"tpl\"\n"+testConfig+
		"[smtp]\nfrom = \"news@blog.example.com\"\n[newsletter]\nenabled = true\nschedule = \"0 9 * * 1\"\n")
	start := func() (*config.Config, error) {
		t.Helper()
		cfg, err := config.Load(filepath.Join(dir, "herald.toml"), nil)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Start(context.Background(), cfg, Env{Stdout: io.Discard, Stderr: io.Discard})
		if err == nil {
			d.stopLoop()
			d.Wait()
			t.Fatal("Start with broken templates succeeded")
		}
		return cfg, err
	}
	_, err := start()
	for _, want := range []string{filepath.Join("tpl", "pages", "home.html") + ":2:", filepath.Join("tpl", "email", "newsletter.html") + ":3:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not name %s: %v", want, err)
		}
	}
	if err := os.Remove(filepath.Join(dir, "tpl", "pages", "home.html")); err != nil {
		t.Fatal(err)
	}
	cfg, err := start()
	if !strings.Contains(err.Error(), "newsletter.html:3:") {
		t.Errorf("with the newsletter's template alone broken: %v", err)
	}
	if entries, _ := os.ReadDir(cfg.Feeds.OutputDir); len(entries) != 0 {
		t.Errorf("feeds were written before the start was refused: %d entries in %s", len(entries), cfg.Feeds.OutputDir)
	}
}
