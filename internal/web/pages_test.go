package web

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"

	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/subscriber"
	"github.com/heraldhq/herald/templates"
)

// testPosts are newest first, as SetPosts takes them.
func testPosts() []*post.Post {
	ada := post.Author{Key: "ada", Name: "Ada Lovelace"}
	return []*post.Post{
		{ID: "3", Title: "Future post", Date: testStart.Add(time.Hour), Permalink: "https://blog.example.com/future/"},
		{ID: "2", Title: "New post", Date: testStart.Add(-time.Hour), Permalink: "https://blog.example.com/new/", Authors: []post.Author{ada}, Tags: []string{"web", "go"}},
		{ID: "4", Title: "Draft post", Date: testStart.Add(-time.Hour), Permalink: "https://blog.example.com/draft/", Draft: true, Tags: []string{"secret"}},
		{ID: "1", Title: "Old post", Date: testStart.Add(-48 * time.Hour), Permalink: "https://blog.example.com/old/", Tags: []string{"go"}},
	}
}

func TestHomePage(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetFeeds(testFeeds())
	e.srv.SetPosts(testPosts())
	res, body := e.do(t, "GET", "/", nil, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", res.StatusCode)
	}
	wants := []string{
		`<html lang="en">`, `<h1>Test Blog</h1>`, `Notes on testing.`,
		`<link rel="alternate" type="application/rss+xml" title="Test Blog (RSS)" href="` + e.ts.URL + `/feeds/feed.xml">`,
		`type="application/atom+xml"`, `type="application/feed+json"`,
		`<form class="card" method="post" action="/subscribe">`, `<label for="email">`, `name="website"`,
	}
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	if strings.Index(body, "New post") > strings.Index(body, "Old post") || strings.Contains(body, "Future post") ||
		strings.Contains(body, "Draft post") || strings.Contains(body, "tags/go/feed.xml") {
		t.Errorf("home lists the wrong posts or feeds:\n%s", body)
	}
	e.clock.Advance(2 * time.Hour)
	if _, body := e.do(t, "GET", "/", nil, nil); !strings.Contains(body, "Future post") {
		t.Errorf("a post whose time came is not listed")
	}
}

func TestPreferencesOffersTopics(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetPosts(testPosts())
	e.postForm(t, "/subscribe", url.Values{"email": {"topics@example.org"}, "topics": {"tag:go", "tag:retired"}})
	sub := e.subscriberByEmail(t, "topics@example.org")
	_, body := e.do(t, "GET", pathOf(t, subscriber.PreferencesURL(e.ts.URL, e.signer, sub)), nil, nil)
	wants := []string{`value="author:ada"> Posts by Ada Lovelace`, `value="tag:go" checked> Posts tagged go`,
		`value="tag:web"> Posts tagged web`, `value="tag:retired" checked> tag:retired`}
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("preferences lack %s", want)
		}
	}
	if strings.Contains(body, "secret") {
		t.Errorf("a draft's tag is offered")
	}
}

// TestNoExternalResources renders every page and checks that nothing in
// it loads from another origin: no src, no stylesheet or icon link, no
// url() in styles, no form posting away.
func TestNoExternalResources(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetFeeds(testFeeds())
	e.srv.SetPosts(testPosts())
	e.postForm(t, "/subscribe", url.Values{"email": {"pages@example.org"}})
	sub := e.subscriberByEmail(t, "pages@example.org")
	confirm := pathOf(t, link(t, e.emails(t)[0], "confirm"))
	unsub := pathOf(t, subscriber.UnsubscribeURL(e.ts.URL, e.signer, sub))
	pages := []struct{ name, method, path string }{
		{"home", "GET", "/"}, {"subscribe_done", "POST", "/subscribe"}, {"confirm", "GET", confirm},
		{"confirmed", "POST", confirm}, {"preferences", "GET", pathOf(t, subscriber.PreferencesURL(e.ts.URL, e.signer, sub))},
		{"unsubscribe", "GET", unsub}, {"unsubscribed", "POST", unsub}, {"error", "GET", "/confirm/forged"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			form := url.Values{"email": {"pages2@example.org"}}
			_, body := e.postFormOrGet(t, p.method, p.path, form)
			doc, err := html.Parse(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if bad := externalRefs(doc, e.ts.URL); len(bad) > 0 {
				t.Errorf("external resources: %v", bad)
			}
			if !strings.Contains(body, `name="viewport"`) || !strings.Contains(body, `lang="en"`) {
				t.Errorf("no viewport or lang")
			}
		})
	}
}

func (e *env) postFormOrGet(t *testing.T, method, path string, form url.Values) (*http.Response, string) {
	if method == "POST" {
		return e.postForm(t, path, form)
	}
	return e.do(t, method, path, nil, nil)
}

// externalRefs returns every attribute that would make a browser fetch
// from, or post to, a URL outside self.
func externalRefs(n *html.Node, self string) []string {
	var bad []string
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			fetches := a.Key == "src" || a.Key == "srcset" || a.Key == "action" || a.Key == "poster" ||
				a.Key == "data" || (a.Key == "href" && n.Data == "link" && !isAlternate(n))
			if (fetches && !local(a.Val, self)) || (a.Key == "style" && strings.Contains(a.Val, "url(")) {
				bad = append(bad, n.Data+" "+a.Key+"="+a.Val)
			}
		}
	}
	if n.Type == html.ElementNode && n.Data == "style" && n.FirstChild != nil && strings.Contains(n.FirstChild.Data, "url(") {
		bad = append(bad, "style element with url()")
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		bad = append(bad, externalRefs(c, self)...)
	}
	return bad
}

func isAlternate(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "rel" && a.Val == "alternate" {
			return true
		}
	}
	return false
}

func local(ref, self string) bool {
	u, err := url.Parse(ref)
	return err == nil && ((u.Scheme == "" && u.Host == "") || strings.HasPrefix(ref, self+"/"))
}

func TestNewRefusesMissingTemplates(t *testing.T) {
	full := fstest.MapFS{}
	fs.WalkDir(templates.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(templates.Embedded(), p)
			full[p] = &fstest.MapFile{Data: b}
		}
		return err
	})
	cases := []struct{ name, remove, want string }{
		{"layout", "pages/layout.html", "page template"},
		{"a page", "pages/preferences.html", "preferences"},
		{"stylesheet", "pages/style.css", "stylesheet"},
		{"email text", "email/welcome.txt", "welcome.txt"},
		{"email html", "email/confirm.html", "confirm.html"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range full {
				if k != tc.remove {
					fsys[k] = v
				}
			}
			_, err := parseViews(fsys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error naming %s", err, tc.want)
			}
		})
	}
	if _, err := parseViews(full); err != nil {
		t.Fatalf("the full set fails: %v", err)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	signer, _ := subscriber.NewSigner([]byte(strings.Repeat("k", 32)))
	e := newEnv(t, nil)
	base := e.srv.cfg.Load().Options
	base.Signer = signer
	cases := []struct {
		name string
		edit func(*Options)
	}{
		{"no title", func(o *Options) { o.Site.Title = " " }},
		{"relative public url", func(o *Options) { o.PublicURL = "/herald" }},
		{"bad from", func(o *Options) { o.From.Address = "news" }},
		{"bad form origin", func(o *Options) { o.FormOrigins = []string{"blog.example.com"} }},
		{"no store", func(o *Options) { o.Store = nil }},
		{"no mailer", func(o *Options) { o.Mailer = nil }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			tc.edit(&o)
			if _, err := New(o); !errors.Is(err, ErrInvalidOptions) {
				t.Fatalf("got %v, want ErrInvalidOptions", err)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	var failing error
	var logs syncBuffer
	e := newEnv(t, func(o *Options) {
		o.Health = func() error { return failing }
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	e.holdQueue = true // the store goes down: nothing to send
	if res, body := e.do(t, "GET", "/healthz", nil, nil); res.StatusCode != 200 || body != "ok\n" {
		t.Fatalf("healthy: %d %q", res.StatusCode, body)
	}
	failing = errors.New("watcher stopped")
	if res, body := e.do(t, "GET", "/healthz", nil, nil); res.StatusCode != 503 || body != "health check failed\n" {
		t.Fatalf("failing check: %d %q", res.StatusCode, body)
	}
	if !strings.Contains(logs.String(), "watcher stopped") {
		t.Errorf("the log lacks the failing check's error:\n%s", logs.String())
	}
	failing = nil
	e.store.Close()
	if res, body := e.do(t, "GET", "/healthz", nil, nil); res.StatusCode != 503 || body != "store unavailable\n" {
		t.Fatalf("closed store: %d %q", res.StatusCode, body)
	}
}

func TestMetricsCountRoutes(t *testing.T) {
	e := newEnv(t, nil)
	e.do(t, "GET", "/confirm/forged", nil, nil)
	e.do(t, "GET", "/confirm/forged-too", nil, nil)
	series := `herald_http_requests_total{code="400",method="GET",route="/confirm/{token}"}`
	if got := e.metric(t, series); got != 2 {
		t.Fatalf("%s = %v, want 2", series, got)
	}
}

func TestSetSite(t *testing.T) {
	e := newEnv(t, nil)
	opts := e.srv.cfg.Load().Options
	opts.Site = Site{Title: "Renamed"}
	if err := e.srv.SetOptions(opts); err != nil {
		t.Fatal(err)
	}
	if _, body := e.do(t, "GET", "/", nil, nil); !strings.Contains(body, "<h1>Renamed</h1>") {
		t.Fatalf("home after SetOptions with a new site:\n%s", body)
	}
	opts.Site = Site{}
	if err := e.srv.SetOptions(opts); !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("empty site: %v", err)
	}
	if _, body := e.do(t, "GET", "/", nil, nil); !strings.Contains(body, "<h1>Renamed</h1>") {
		t.Fatalf("refused options changed the site")
	}
}
