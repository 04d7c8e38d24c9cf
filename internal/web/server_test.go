package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/subscriber"
	"github.com/heraldhq/herald/internal/testkit"
	"github.com/heraldhq/herald/templates"
)

func TestRecoverPanics(t *testing.T) {
	e := newEnv(t, nil)
	h := e.srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("panic answered %d %q", rec.Code, rec.Body.String())
	}
}

func TestWelcomeEmail(t *testing.T) {
	cases := []struct {
		name    string
		welcome bool
		emails  int
	}{
		{"enabled: sent once", true, 2},
		{"disabled: none", false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.Welcome = tc.welcome })
			e.postForm(t, "/subscribe", url.Values{"email": {"w@example.org"}})
			confirm := pathOf(t, link(t, e.emails(t)[0], "confirm"))
			for range 2 { // a double click confirms once and welcomes once
				if res, _ := e.postForm(t, confirm, nil); res.StatusCode != http.StatusOK {
					t.Fatalf("confirm: %d", res.StatusCode)
				}
			}
			if got := len(e.emails(t)); got != tc.emails {
				t.Fatalf("%d emails, want %d", got, tc.emails)
			}
		})
	}
}

func TestResubscribeTakesNewChoices(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.postForm(t, "/subscribe", url.Values{"email": {"back@example.org"}, "name": {"Old"}, "topics": {"tag:a"}})
	sub := e.subscriberByEmail(t, "back@example.org")
	e.store.Unsubscribe(ctx, sub.ID, testStart)
	e.postForm(t, "/subscribe", url.Values{"email": {"back@example.org"}, "name": {"New"}, "topics": {"tag:b"}})
	got := e.subscriberByEmail(t, "back@example.org")
	if got.Status != subscriber.Pending || got.Name != "New" || strings.Join(got.Topics, ",") != "tag:b" {
		t.Fatalf("after resubscribing: %+v", got)
	}
	if n := len(e.emails(t)); n != 2 {
		t.Fatalf("want a second confirmation, got %d emails", n)
	}
}

func TestSubscribeMultipartForm(t *testing.T) {
	e := newEnv(t, nil)
	body := "--B\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nmulti@example.org\r\n--B--\r\n"
	res, _ := e.do(t, "POST", "/subscribe", strings.NewReader(body), http.Header{"Content-Type": {"multipart/form-data; boundary=B"}})
	if res.StatusCode != http.StatusOK || e.subscriberByEmail(t, "multi@example.org").Status != subscriber.Pending {
		t.Fatalf("multipart subscribe: %d", res.StatusCode)
	}
}

func TestUnknownRoute(t *testing.T) {
	e := newEnv(t, nil)
	for _, path := range []string{"/nope", "/confirm/", "/feeds/nope.xml"} {
		if res, body := e.do(t, "GET", path, nil, nil); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "Page not found") {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	if res, _ := e.do(t, "DELETE", "/nope", nil, nil); res.StatusCode != http.StatusNotFound || res.Header.Get("Allow") != "" {
		t.Errorf("DELETE /nope: %d, Allow %q; want 404 without Allow", res.StatusCode, res.Header.Get("Allow"))
	}
}

// TestWrongMethod checks that a known path asked with a method it does not
// answer gets 405 with the methods it does in Allow (RFC 9110 15.5.6).
func TestWrongMethod(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetFeeds(testFeeds())
	cases := []struct{ method, path, allow string }{
		{"POST", "/feeds/feed.xml", "GET, HEAD"},
		{"PUT", "/feeds/feed.xml", "GET, HEAD"},
		{"GET", "/subscribe", "POST"},
		{"DELETE", "/confirm/abc", "GET, HEAD, POST"},
		{"POST", "/healthz", "GET, HEAD"},
		{"POST", "/", "GET, HEAD"},
	}
	for _, tc := range cases {
		res, body := e.do(t, tc.method, tc.path, nil, nil)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != tc.allow || !strings.Contains(body, "Method not allowed") {
			t.Errorf("%s %s: %d, Allow %q; want 405, Allow %q", tc.method, tc.path, res.StatusCode, res.Header.Get("Allow"), tc.allow)
		}
	}
}

func TestSetOptionsReload(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RatePerIP = 1 })
	e.srv.SetFeeds(testFeeds())
	o := e.srv.cfg.Load().Options
	o.PublicURL = "https://news.example.com/"
	o.RatePerIP = -1
	if err := e.srv.SetOptions(o); err != nil {
		t.Fatal(err)
	}
	if _, body := e.do(t, "GET", "/", nil, nil); !strings.Contains(body, `href="https://news.example.com/feeds/feed.xml"`) {
		t.Errorf("feed links do not follow the new public URL:\n%s", body)
	}
	for i := range 3 {
		if res, _ := e.postForm(t, "/subscribe", url.Values{"email": {"r@example.org"}}); res.StatusCode != 200 {
			t.Fatalf("request %d after lifting the IP limit: %d", i, res.StatusCode)
		}
	}
	o.PublicURL = "not a url"
	if err := e.srv.SetOptions(o); err == nil || e.srv.cfg.Load().PublicURL != "https://news.example.com" {
		t.Fatalf("a bad reload: err %v, public URL now %s", err, e.srv.cfg.Load().PublicURL)
	}
}

// TestSetOptionsRereadsTemplates: a reload reads the operator's templates
// again, so an edited stylesheet or page is served without a restart, and
// a template that no longer parses is refused with its name while the last
// good one stays in use.
func TestSetOptionsRereadsTemplates(t *testing.T) {
	dir := t.TempDir()
	css := filepath.Join(dir, "pages", "style.css")
	testkit.WriteFile(t, css, "body { color: red }")
	e := newEnv(t, func(o *Options) { o.Templates = templates.FS(dir) })
	if _, body := e.do(t, "GET", "/static/style.css", nil, nil); body != "body { color: red }" {
		t.Fatalf("style.css before the edit: %q", body)
	}
	testkit.WriteFile(t, css, "body { color: blue }")
	o := e.srv.cfg.Load().Options
	if err := e.srv.SetOptions(o); err != nil {
		t.Fatal(err)
	}
	if _, body := e.do(t, "GET", "/static/style.css", nil, nil); body != "body { color: blue }" {
		t.Errorf("style.css after the edit and a reload: %q", body)
	}
	testkit.WriteFile(t, filepath.Join(dir, "pages", "home.html"), "{{ .Nope")
	if err := e.srv.SetOptions(o); err == nil || !strings.Contains(err.Error(), "home.html") {
		t.Errorf("a broken home.html: err %v, want one naming it", err)
	}
	if res, body := e.do(t, "GET", "/", nil, nil); res.StatusCode != 200 || !strings.Contains(body, "Test Blog") {
		t.Errorf("home page after a refused reload: %d %.200q", res.StatusCode, body)
	}
	// A reload of other settings (Templates nil) keeps the parsed
	// templates: the broken file does not hold it back.
	o.Templates, o.Site.Title = nil, "Renamed Blog"
	if err := e.srv.SetOptions(o); err != nil {
		t.Fatalf("a reload that keeps the templates: %v", err)
	}
	if res, body := e.do(t, "GET", "/", nil, nil); res.StatusCode != 200 || !strings.Contains(body, "Renamed Blog") {
		t.Errorf("home page after a reload keeping the templates: %d %.200q", res.StatusCode, body)
	}
}
