package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/feed"
)

var feedModified = time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)

func testFeeds() []feed.File {
	rss := "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test</title>" + strings.Repeat("<item><title>post</title></item>", 50) + "</channel></rss>"
	return []feed.File{
		{Path: "feed.xml", ContentType: feed.TypeRSS, Data: []byte(rss), Modified: feedModified},
		{Path: "atom.xml", ContentType: feed.TypeAtom, Data: []byte(`<feed xmlns="http://www.w3.org/2005/Atom"></feed>`), Modified: feedModified},
		{Path: "feed.json", ContentType: feed.TypeJSON, Data: []byte(`{"version":"https://jsonfeed.org/version/1.1"}`), Modified: feedModified},
		{Path: "tags/go/feed.xml", ContentType: feed.TypeRSS, Data: []byte(rss), Modified: feedModified},
	}
}

func TestServeFeed(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetFeeds(testFeeds())
	res, _ := e.do(t, "GET", "/feeds/feed.xml", nil, nil)
	etag := res.Header.Get("ETag")
	lastMod := feedModified.Format(http.TimeFormat)
	cases := []struct {
		name, method, path string
		header             http.Header
		status             int
		contentType, body  string // net/http sends no Content-Type with a 304
	}{
		{"rss", "GET", "/feeds/feed.xml", nil, 200, feed.TypeRSS, "<rss"},
		{"atom", "GET", "/feeds/atom.xml", nil, 200, feed.TypeAtom, "<feed"},
		{"json", "GET", "/feeds/feed.json", nil, 200, feed.TypeJSON, `"version"`},
		{"per tag", "GET", "/feeds/tags/go/feed.xml", nil, 200, feed.TypeRSS, "<rss"},
		{"head", "HEAD", "/feeds/feed.xml", nil, 200, feed.TypeRSS, ""},
		{"browser gets styled xml", "GET", "/feeds/atom.xml", http.Header{"Accept": {"text/html,application/xhtml+xml,*/*;q=0.8"}}, 200, feed.TypeBrowserXML, "<feed"},
		{"browser json stays json", "GET", "/feeds/feed.json", http.Header{"Accept": {"text/html"}}, 200, feed.TypeJSON, `"version"`},
		{"if-none-match", "GET", "/feeds/feed.xml", http.Header{"If-None-Match": {etag}}, 304, "", ""},
		{"if-none-match weak", "GET", "/feeds/feed.xml", http.Header{"If-None-Match": {`"x", W/` + etag}}, 304, "", ""},
		{"if-none-match other", "GET", "/feeds/feed.xml", http.Header{"If-None-Match": {`"other"`}, "If-Modified-Since": {lastMod}}, 200, feed.TypeRSS, "<rss"},
		{"if-modified-since same", "GET", "/feeds/feed.xml", http.Header{"If-Modified-Since": {lastMod}}, 304, "", ""},
		{"if-modified-since older", "GET", "/feeds/feed.xml", http.Header{"If-Modified-Since": {feedModified.Add(-time.Second).Format(http.TimeFormat)}}, 200, feed.TypeRSS, "<rss"},
		{"missing", "GET", "/feeds/nope.xml", nil, 404, "text/html; charset=utf-8", "Page not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, body := e.do(t, tc.method, tc.path, nil, tc.header)
			if res.StatusCode != tc.status || res.Header.Get("Content-Type") != tc.contentType {
				t.Fatalf("got %d %q, want %d %q", res.StatusCode, res.Header.Get("Content-Type"), tc.status, tc.contentType)
			}
			if !strings.Contains(body, tc.body) || (tc.body == "" && body != "") {
				t.Fatalf("body %.80q, want it to contain %q", body, tc.body)
			}
			if tc.status != 404 && (res.Header.Get("Last-Modified") != lastMod || res.Header.Get("Cache-Control") != "public, max-age=300") {
				t.Fatalf("validators: %v", res.Header)
			}
		})
	}
}

func TestServeFeedGzip(t *testing.T) {
	e := newEnv(t, nil)
	files := testFeeds()
	e.srv.SetFeeds(files)
	req, _ := http.NewRequest("GET", e.ts.URL+"/feeds/feed.xml", nil)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport then leaves the body compressed
	res, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding, Accept" {
		t.Fatalf("headers %v", res.Header)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatalf("gzip body: %v", err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, files[0].Data) {
		t.Fatalf("gunzipped body differs (%v)", err)
	}
	res2, _ := e.do(t, "GET", "/feeds/feed.xml", nil, http.Header{"If-None-Match": {res.Header.Get("ETag")}, "Accept-Encoding": {"gzip"}})
	if res2.StatusCode != http.StatusNotModified {
		t.Fatalf("304 for the gzip ETag: got %d", res2.StatusCode)
	}
}

func TestAcceptsGzip(t *testing.T) {
	cases := []struct {
		header string
		want   bool
	}{
		{"", false}, {"gzip", true}, {"br, gzip;q=0.8", true}, {"gzip;q=0", false},
		{"gzip; q=0.000", false}, {"*", true}, {"identity", false}, {"GZIP", true},
	}
	for _, tc := range cases {
		t.Run(tc.header, func(t *testing.T) {
			if got := acceptsGzip(tc.header); got != tc.want {
				t.Errorf("acceptsGzip(%q) = %v", tc.header, got)
			}
		})
	}
}

func TestSetFeedsSwap(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetFeeds(testFeeds())
	res, _ := e.do(t, "GET", "/feeds/atom.xml", nil, nil)
	oldTag := res.Header.Get("ETag")
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				files := testFeeds()
				files[1].Data = []byte(fmt.Sprintf("<feed>%d-%d</feed>", i, j))
				e.srv.SetFeeds(files)
			}
		}()
	}
	for range 40 {
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, httptest.NewRequest("GET", "/feeds/atom.xml", nil))
		if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "<feed") {
			t.Fatalf("during swaps: %d %q", rec.Code, rec.Body.String())
		}
	}
	wg.Wait()
	res, body := e.do(t, "GET", "/feeds/atom.xml", nil, nil)
	if res.Header.Get("ETag") == oldTag || !strings.HasPrefix(body, "<feed>") {
		t.Fatalf("after swaps: ETag %s body %q", res.Header.Get("ETag"), body)
	}
	e.srv.SetFeeds(testFeeds()[:1])
	if res, _ := e.do(t, "GET", "/feeds/atom.xml", nil, nil); res.StatusCode != 404 {
		t.Fatalf("a removed feed answers %d", res.StatusCode)
	}
}

// BenchmarkServeFeed compares serving the site feed from memory with
// http.ServeFile of the same bytes, for a 200 and a 304.
func BenchmarkServeFeed(b *testing.B) {
	files := testFeeds()
	path := filepath.Join(b.TempDir(), "feed.xml")
	if err := os.WriteFile(path, files[0].Data, 0o644); err != nil {
		b.Fatal(err)
	}
	os.Chtimes(path, feedModified, feedModified)
	e := newEnv(b, nil)
	e.srv.SetFeeds(files)
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, path) })
	lastMod := feedModified.Format(http.TimeFormat)
	for _, bc := range []struct {
		name string
		h    http.Handler
		ims  string
	}{
		{"herald/200", e.srv, ""}, {"servefile/200", plain, ""},
		{"herald/304", e.srv, lastMod}, {"servefile/304", plain, lastMod},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/feeds/feed.xml", nil)
			if bc.ims != "" {
				req.Header.Set("If-Modified-Since", bc.ims)
			}
			for b.Loop() {
				rec := httptest.NewRecorder()
				bc.h.ServeHTTP(rec, req)
			}
		})
	}
}

// TestServeFeedGzipLazy checks that SetFeeds compresses only small files,
// that the first request accepting gzip gets a large file as is and starts
// its compression in the background, the next ones getting gzip, that
// an unchanged file keeps its gzip copy across SetFeeds, and that a file
// too small to gain from gzip is sent as is, with its identity ETag only.
func TestServeFeedGzipLazy(t *testing.T) {
	e := newEnv(t, nil)
	files := testFeeds()
	big := "<feed>" + strings.Repeat("<entry><title>post</title></entry>", eagerGzip/30) + "</feed>"
	files = append(files, feed.File{Path: "big.xml", ContentType: feed.TypeAtom, Data: []byte(big), Modified: feedModified},
		feed.File{Path: "big2.xml", ContentType: feed.TypeAtom, Data: []byte(big + " "), Modified: feedModified})
	e.srv.SetFeeds(files)
	entry := func(path string) *feedEntry { return e.srv.feeds.Load().files[path] }
	eager := map[string]bool{"feed.xml": true, "tags/go/feed.xml": true} // small; the rest is tiny (gzip does not pay) or big
	for path, en := range e.srv.feeds.Load().files {
		if want := eager[path]; en.gzReady() != want {
			t.Errorf("%s (%d bytes): compressed by SetFeeds %v, want %v", path, len(en.data), en.gzReady(), want)
		}
	}
	gzipHeader := http.Header{"Accept-Encoding": {"gzip"}}
	cases := []struct {
		name, path  string
		header      http.Header
		status      int
		encoding    string
		compressed  bool // the entry holds a gzip copy afterwards (once the background is done)
		wantGzipTag bool // the ETag is the gzip copy's
	}{
		{"identity request compresses nothing", "big.xml", nil, 200, "", false, false},
		{"first gzip request does not wait for the compression", "big.xml", gzipHeader, 200, "", true, false},
		{"next gzip request gets gzip", "big.xml", gzipHeader, 200, "gzip", true, true},
		{"other file untouched", "big2.xml", nil, 200, "", false, false},
		{"small file compressed at once", "feed.xml", gzipHeader, 200, "gzip", true, true},
		{"tiny file sent as is", "atom.xml", gzipHeader, 200, "", false, false},
		{"tiny file: gzip tag is no match", "atom.xml", http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {entry("atom.xml").etag[1][0]}}, 200, "", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/feeds/"+tc.path, nil)
			maps.Copy(req.Header, tc.header)
			e.srv.ServeHTTP(rec, req)
			en := entry(tc.path)
			if rec.Code != tc.status || rec.Header().Get("Content-Encoding") != tc.encoding {
				t.Fatalf("got %d encoding %q, want %d %q", rec.Code, rec.Header().Get("Content-Encoding"), tc.status, tc.encoding)
			}
			if tc.compressed {
				<-en.gzDone // the background compression ends
			}
			if en.gzReady() != tc.compressed {
				t.Errorf("gzip copy held: %v, want %v", en.gzReady(), tc.compressed)
			}
			if got := rec.Header().Get("ETag"); (got == en.etag[1][0]) != tc.wantGzipTag || (got != en.etag[0][0] && !tc.wantGzipTag) {
				t.Errorf("ETag %s (identity %s, gzip %s), want the gzip one: %v", got, en.etag[0][0], en.etag[1][0], tc.wantGzipTag)
			}
		})
	}
	before := entry("big.xml")
	e.srv.SetFeeds(files)
	if after := entry("big.xml"); after != before || !after.gzReady() {
		t.Error("SetFeeds of the same bytes dropped the entry or its gzip copy")
	}
}

// TestServeFeedMetrics checks the request counters of the feed route: the
// series of a poll (GET answered 200 or 304) are bound once, the others
// looked up per request; each must count its own requests.
func TestServeFeedMetrics(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetFeeds(testFeeds())
	res, _ := e.do(t, "GET", "/feeds/feed.xml", nil, nil)
	e.do(t, "GET", "/feeds/feed.xml", nil, nil)
	e.do(t, "GET", "/feeds/feed.xml", nil, http.Header{"If-None-Match": {res.Header.Get("ETag")}})
	e.do(t, "HEAD", "/feeds/feed.xml", nil, nil)
	e.do(t, "GET", "/feeds/nope.xml", nil, nil)
	for series, want := range map[string]float64{
		`herald_http_requests_total{code="200",method="GET",route="/feeds/{path...}"}`:  2,
		`herald_http_requests_total{code="304",method="GET",route="/feeds/{path...}"}`:  1,
		`herald_http_requests_total{code="200",method="HEAD",route="/feeds/{path...}"}`: 1,
		`herald_http_requests_total{code="404",method="GET",route="/feeds/{path...}"}`:  1,
	} {
		if got := e.metric(t, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
}

// TestFixedHeadersAreNotShared checks that a response adding to a fixed
// header does not change what the next response gets.
func TestFixedHeadersAreNotShared(t *testing.T) {
	fh := newFixedHeaders("x-frame-options", "DENY", "Vary", "Accept")
	first := http.Header{}
	fh.set(first)
	first.Add("Vary", "Cookie")
	first.Set("X-Frame-Options", "SAMEORIGIN")
	next := http.Header{}
	fh.set(next)
	if got := next.Values("Vary"); len(got) != 1 || got[0] != "Accept" {
		t.Errorf("Vary = %q after another response added to it, want [Accept]", got)
	}
	if got := next.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options = %q, want DENY (and its name canonical)", got)
	}
}

// TestServeLargeFeedFromMemoryFile checks a feed large enough to be sent
// from its memory file: every request, many at once, gets the exact bytes,
// identity or gzip, and a HEAD none.
func TestServeLargeFeedFromMemoryFile(t *testing.T) {
	e := newEnv(t, nil)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>`)
	rnd := rand.New(rand.NewPCG(1, 2)) // hex noise: the gzip copy is large too
	for i := 0; b.Len() < 8*zeroCopyMin; i++ {
		fmt.Fprintf(&b, "<item><title>post %d</title><description>%016x%016x</description></item>", i, rnd.Uint64(), rnd.Uint64())
	}
	b.WriteString("</channel></rss>")
	big := b.String()
	e.srv.SetFeeds([]feed.File{{Path: "big.xml", ContentType: feed.TypeRSS, Data: []byte(big), Modified: feedModified}})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for range 5 {
				req, _ := http.NewRequest("GET", e.ts.URL+"/feeds/big.xml", nil)
				req.Header.Set("Accept-Encoding", "identity") // else the transport asks for gzip itself
				if i%2 == 1 {
					req.Header.Set("Accept-Encoding", "gzip")
				}
				res, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Error(err)
					return
				}
				var body io.Reader = res.Body
				if res.Header.Get("Content-Encoding") == "gzip" {
					if body, err = gzip.NewReader(res.Body); err != nil {
						t.Error(err)
						res.Body.Close()
						return
					}
				}
				got, err := io.ReadAll(body)
				res.Body.Close()
				if err != nil || string(got) != big {
					t.Errorf("request %d: %d bytes (err %v), want the %d bytes of the feed", i, len(got), err, len(big))
					return
				}
			}
		})
	}
	wg.Wait()
	if entry := e.srv.feeds.Load().files["big.xml"]; runtime.GOOS == "linux" && (entry.dataFile.file == nil || entry.gzFile.file == nil) {
		t.Errorf("the feed was not sent from memory files (identity %v, gzip %v)", entry.dataFile.file != nil, entry.gzFile.file != nil)
	}
	if res, body := e.do(t, "HEAD", "/feeds/big.xml", nil, nil); res.StatusCode != 200 || body != "" || res.ContentLength != int64(len(big)) {
		t.Errorf("HEAD: %d, %d body bytes, length %d", res.StatusCode, len(body), res.ContentLength)
	}
}

// TestFeedValidatorsPerRepresentation checks that each of the four
// representations of an RSS file (identity or gzip, feed type or the
// browser's application/xml) has its own ETag, and that a tag matches only
// its own representation: a cache holding one must not be told that
// another is the same. The one exception: a client that accepts gzip but
// holds the identity body, still current, is told so (a 304 for it).
func TestFeedValidatorsPerRepresentation(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetFeeds(testFeeds())
	browser := "text/html,application/xhtml+xml,*/*;q=0.8"
	reprs := map[string]http.Header{
		"reader identity":  {"Accept": {"application/rss+xml"}, "Accept-Encoding": {"identity"}},
		"reader gzip":      {"Accept": {"application/rss+xml"}, "Accept-Encoding": {"gzip"}},
		"browser identity": {"Accept": {browser}, "Accept-Encoding": {"identity"}},
		"browser gzip":     {"Accept": {browser}, "Accept-Encoding": {"gzip"}},
	}
	tags := map[string]string{}
	seen := map[string]string{}
	for name, h := range reprs {
		res, _ := e.do(t, "GET", "/feeds/feed.xml", nil, h)
		tag := res.Header.Get("ETag")
		if other, dup := seen[tag]; dup {
			t.Errorf("%s and %s share the ETag %s", name, other, tag)
		}
		seen[tag], tags[name] = name, tag
		if got := res.Header.Get("Vary"); got != "Accept-Encoding, Accept" {
			t.Errorf("%s: Vary %q, want Accept-Encoding, Accept", name, got)
		}
	}
	for name, h := range reprs {
		for tagOf, tag := range tags {
			req := maps.Clone(h)
			req.Set("If-None-Match", tag)
			res, _ := e.do(t, "GET", "/feeds/feed.xml", nil, req)
			// A gzip request holding the identity body of the same type
			// keeps it: a 304 naming the identity tag.
			keeps := tagOf == strings.Replace(name, "gzip", "identity", 1)
			if want := map[bool]int{true: 304, false: 200}[tagOf == name || keeps]; res.StatusCode != want {
				t.Errorf("%s request with the ETag of %s: %d, want %d", name, tagOf, res.StatusCode, want)
			}
			if res.StatusCode == 304 && res.Header.Get("ETag") != tag {
				t.Errorf("%s request with the ETag of %s: 304 names %s, want %s", name, tagOf, res.Header.Get("ETag"), tag)
			}
		}
	}
	res, _ := e.do(t, "GET", "/feeds/feed.json", nil, nil)
	if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
		t.Errorf("JSON Feed: Vary %q, want Accept-Encoding (its type never depends on Accept)", got)
	}
}

// TestFeedPolicy checks the Content-Security-Policy of /feeds/: a feed may
// load its same-origin stylesheet (a script, for CSP) and use inline
// styles, the HTML view only inline styles, and herald's pages keep their
// own policy.
func TestFeedPolicy(t *testing.T) {
	e := newEnv(t, nil)
	files := append(testFeeds(), feed.File{Path: feed.IndexPath, ContentType: feed.TypeHTML, Data: []byte("<!doctype html><h1>Feeds</h1>"), Modified: feedModified})
	e.srv.SetFeeds(files)
	cases := []struct{ path, policy, body string }{
		{"/feeds/feed.xml", feedPolicy, "<rss"},
		{"/feeds/atom.xml", feedPolicy, "<feed"},
		{"/feeds/", viewPolicy, "<h1>Feeds</h1>"},
		{"/feeds/feed.json", viewPolicy, "version"},
	}
	for _, tc := range cases {
		res, body := e.do(t, "GET", tc.path, nil, http.Header{"Accept": {"text/html"}})
		if got := res.Header.Values("Content-Security-Policy"); len(got) != 1 || got[0] != tc.policy || !strings.Contains(body, tc.body) {
			t.Errorf("%s: policy %q, body %.40q; want %q and %q", tc.path, got, body, tc.policy, tc.body)
		}
	}
	if !strings.Contains(feedPolicy, "script-src 'self'") || strings.Contains(viewPolicy, "script") {
		t.Errorf("feed policy %q must allow the same-origin stylesheet; view policy %q no scripts", feedPolicy, viewPolicy)
	}
	res, body := e.do(t, "GET", "/", nil, nil)
	if strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src") || !strings.Contains(body, `/feeds/">Every feed`) {
		t.Errorf("home page: policy %q, link to the view missing: %v", res.Header.Get("Content-Security-Policy"), !strings.Contains(body, "/feeds/\">"))
	}
}
