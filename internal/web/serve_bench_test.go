package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald/internal/corpus"
	"github.com/heraldhq/herald/internal/feed"
	"github.com/heraldhq/herald/internal/post"
)

// The serving benchmarks send real HTTP requests over loopback, from
// parallel clients with keep-alive connections, for the site's RSS feed
// built from a generated corpus: BenchmarkServeFeed* through the real
// Server, BenchmarkServeFile* through Go's plain http.ServeFile of the same
// bytes on disk, the floor herald is held to (90% of its req/s). Neither
// client asks for gzip. bench/run reads req/s.

// benchParallelism is the number of client goroutines per GOMAXPROCS.
const benchParallelism = 8

// benchSiteFeed returns the site RSS feed of the newest 20 posts of a
// 200-post corpus, as herald builds it.
func benchSiteFeed(b *testing.B) feed.File {
	b.Helper()
	dir := b.TempDir()
	if err := corpus.Generate(dir, 200, 1); err != nil {
		b.Fatal(err)
	}
	lib := post.NewLibrary(post.Options{Dir: dir, BaseURL: "https://blog.example.com"})
	if err := lib.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	files, err := feed.Build(feed.Site{Title: "Bench Blog", BaseURL: "https://blog.example.com", PublicURL: "https://news.example.com"},
		feed.Options{Limit: 20, Formats: []string{"rss"}}, lib.Snapshot().Published(corpus.Newest()))
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range files {
		if f.Path == "rss.xml" {
			return f
		}
	}
	b.Fatal("feed.Build wrote no rss.xml")
	return feed.File{}
}

// heraldFeedServer is the real Server over httptest serving f as the
// daemon does: written by a feed.Writer (with its gzip copy), sent from the
// file. It returns the feed's URL and ETag.
func heraldFeedServer(b *testing.B, f feed.File) (url, etag string) {
	e := newEnv(b, nil)
	files := []feed.File{f}
	if _, _, _, err := feed.NewWriter(b.TempDir()).Write(files); err != nil {
		b.Fatal(err)
	}
	files[0].Data = nil
	e.srv.SetFeeds(files)
	url = e.ts.URL + "/feeds/" + f.Path
	return url, fetch(b, url, "", http.StatusOK)
}

// plainFileServer is http.ServeFile of f's bytes written to a file whose
// modification time is f.Modified, with the ETag herald sends, so that
// If-None-Match answers 304 there too.
func plainFileServer(b *testing.B, f feed.File) (url, etag string) {
	path := filepath.Join(b.TempDir(), "rss.xml")
	if err := os.WriteFile(path, f.Data, 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.Chtimes(path, f.Modified, f.Modified); err != nil {
		b.Fatal(err)
	}
	etag = newFeedEntry(f, f.Modified).etag[0][0]
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		http.ServeFile(w, r, path)
	}))
	b.Cleanup(ts.Close)
	return ts.URL + "/rss.xml", etag
}

// benchClient keeps enough idle connections for every parallel client and
// never asks for gzip.
func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 256}}
}

// fetch GETs url (with If-None-Match when etag is set), fails unless the
// status is want, and returns the response's ETag.
func fetch(b *testing.B, url, etag string, want int) string {
	return fetchWith(b, benchClient(), url, etag, want)
}

func fetchWith(b *testing.B, c *http.Client, url, etag string, want int) string {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		b.Fatal(err)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		b.Fatal(err)
	}
	if res.StatusCode != want {
		b.Fatalf("GET %s: status %d, want %d", url, res.StatusCode, want)
	}
	return res.Header.Get("ETag")
}

// benchServe requests url from parallel clients, conditionally when
// conditional, and reports requests per second.
func benchServe(b *testing.B, url, etag string, conditional bool) {
	want := http.StatusOK
	if !conditional {
		etag = ""
	} else {
		want = http.StatusNotModified
	}
	c := benchClient()
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			fetchWith(b, c, url, etag, want)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkServeFeed200 is a full GET of the site feed from herald.
func BenchmarkServeFeed200(b *testing.B) {
	url, etag := heraldFeedServer(b, benchSiteFeed(b))
	benchServe(b, url, etag, false)
}

// BenchmarkServeFeed304 is a GET with a matching If-None-Match from herald.
func BenchmarkServeFeed304(b *testing.B) {
	url, etag := heraldFeedServer(b, benchSiteFeed(b))
	benchServe(b, url, etag, true)
}

// BenchmarkServeFile200 is BenchmarkServeFeed200 from http.ServeFile.
func BenchmarkServeFile200(b *testing.B) {
	url, etag := plainFileServer(b, benchSiteFeed(b))
	benchServe(b, url, etag, false)
}

// BenchmarkServeFile304 is BenchmarkServeFeed304 from http.ServeFile.
func BenchmarkServeFile304(b *testing.B) {
	url, etag := plainFileServer(b, benchSiteFeed(b))
	benchServe(b, url, etag, true)
}
