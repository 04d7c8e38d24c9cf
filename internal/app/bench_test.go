package app

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/clock/clocktest"
	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/corpus"
	"github.com/heraldhq/herald/internal/web"
)

// The edit-to-feed benchmarks measure what the daemon does between the end
// of the debounce window and the updated feeds on disk and in the web
// server: handleBatch with the one changed path (parse it again, rebuild
// and write the feeds that changed, hand them to the web server). Saving
// the file is outside the timer. They report the median and 99th
// percentile of the per-edit times; bench/run reads p50-ms and p99-ms.
//
//	go test ./internal/app -run '^$' -bench EditToFeed -benchtime 200x

const benchConfig = `data_dir = "data"
[site]
title = "Bench Blog"
base_url = "https://blog.example.com"
time_zone = "UTC"
%s[posts]
dir = "posts"
[server]
listen = "127.0.0.1:0"
public_url = "http://127.0.0.1:9"
`

// benchDaemon returns a daemon over a generated corpus of n posts, as
// startDaemon leaves it (store, signer, mailer, posts loaded, feeds built
// and handed to the web server, the collector set) but with no listener, watcher or loop, so
// that only the benchmark calls handleBatch.
func benchDaemon(b *testing.B, n int) *Daemon {
	b.Helper()
	dir := b.TempDir()
	if err := corpus.Generate(filepath.Join(dir, "posts"), n, 1); err != nil {
		b.Fatal(err)
	}
	var authors strings.Builder
	for _, k := range corpus.AuthorKeys() {
		fmt.Fprintf(&authors, "[authors.%s]\nname = \"Author %s\"\n", k, k)
	}
	path := filepath.Join(dir, "herald.toml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(benchConfig, authors.String())), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path, nil)
	if err != nil {
		b.Fatalf("load bench config: %v", err)
	}
	d := &Daemon{cfg: cfg, clock: clocktest.New(corpus.Newest().Add(time.Hour)),
		log: slog.New(slog.DiscardHandler), level: new(slog.LevelVar), reg: prometheus.NewRegistry(), gc: newGCPolicy()}
	b.Cleanup(d.close)
	for _, step := range []func(context.Context) error{d.openParts, d.loadPosts} {
		if err := step(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	if d.web, err = web.New(d.webOptions(cfg, d.mailer)); err != nil {
		b.Fatal(err)
	}
	d.rebuild("start")
	d.collect() // the collector as Start leaves it
	return d
}

// editBench is one post of a benchDaemon, edited with a new sentence
// each time.
type editBench struct {
	d     *Daemon
	abs   string // the post's file
	orig  []byte // its original bytes
	edits int    // edits so far
}

// benchEditToFeed runs the edit benchmarks over a corpus of posts posts,
// sharing one daemon: the newest post (the worst case: it is in the site
// feed and in its tag and author feeds), timed to the feeds on disk
// (lib.Update and publish), to the feeds served (handleBatch, which also
// hands them to the web server) and to the first gzip response of the site
// feed; and a post too old to be in any feed.
func benchEditToFeed(b *testing.B, posts int) {
	d := benchDaemon(b, posts)
	newest, old := newEditBench(b, d, 0), newEditBench(b, d, posts/2)
	b.Run("newest/disk", func(b *testing.B) { newest.run(b, newest.toDisk, newest.checkDisk) })
	b.Run("newest/served", func(b *testing.B) { newest.run(b, newest.toServed, newest.checkServed) })
	b.Run("old/served", func(b *testing.B) { old.run(b, old.toServed, nil) })
	b.Run("newest/served-gzip", func(b *testing.B) { newest.run(b, newest.toServedGzip, newest.checkServed) })
}

func newEditBench(b *testing.B, d *Daemon, pick int) *editBench {
	target := d.pub.Library().Snapshot().Published(d.clock.Now())[pick]
	abs := filepath.Join(d.cfg.Posts.Dir, filepath.FromSlash(target.Path))
	orig, err := os.ReadFile(abs)
	if err != nil {
		b.Fatal(err)
	}
	return &editBench{d: d, abs: abs, orig: orig}
}

// run saves an edit (untimed) and times apply, once per iteration, then
// calls check, when not nil, to see that the last edit reached the feeds.
func (e *editBench) run(b *testing.B, apply, check func(b *testing.B)) {
	var times []time.Duration
	for b.Loop() {
		b.StopTimer()
		e.edits++
		if err := os.WriteFile(e.abs, append(slices.Clip(e.orig), e.sentence()...), 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		apply(b)
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	if check != nil {
		check(b)
	}
	reportPercentiles(b, times)
}

func (e *editBench) sentence() string {
	return fmt.Sprintf("\nEdit number %d of this post.\n", e.edits)
}

// toDisk is the daemon's work up to the feed files on disk.
func (e *editBench) toDisk(b *testing.B) {
	if !e.d.pub.Library().Update([]string{e.abs}) {
		b.Fatal("Update saw no change after an edit")
	}
	if _, err := e.d.pub.Publish(e.d.clock.Now()); err != nil {
		b.Fatal(err)
	}
}

// toServed is the daemon's whole work after the debounce.
func (e *editBench) toServed(*testing.B) { e.d.handleBatch(context.Background(), []string{e.abs}) }

// toServedGzip is toServed, then what the daemon's loop does next (it
// writes the gzip copies of the changed files and hands them to the web
// server), and the first request for the site's RSS feed that accepts
// gzip: the time until a gzip client gets the new feed compressed.
func (e *editBench) toServedGzip(b *testing.B) {
	e.toServed(b)
	for e.d.pub.GzipPending() {
		e.d.compressSome()
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/feeds/rss.xml", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	e.d.web.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" {
		b.Fatalf("gzip request for rss.xml: %d, encoding %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
}

// checkDisk fails the benchmark unless the site's RSS feed on disk shows
// the last edit.
func (e *editBench) checkDisk(b *testing.B) {
	b.Helper()
	want := strings.TrimSpace(e.sentence())
	data, err := os.ReadFile(filepath.Join(e.d.cfg.Feeds.OutputDir, "rss.xml"))
	if err != nil || !strings.Contains(string(data), want) {
		b.Fatalf("rss.xml on disk does not show the last edit %q (read error %v)", want, err)
	}
}

// checkServed is checkDisk, and the web server's rss.xml shows it too.
func (e *editBench) checkServed(b *testing.B) {
	b.Helper()
	e.checkDisk(b)
	want := strings.TrimSpace(e.sentence())
	rec := httptest.NewRecorder()
	e.d.web.ServeHTTP(rec, httptest.NewRequest("GET", "/feeds/rss.xml", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
		b.Fatalf("served rss.xml (%d) does not show the last edit %q", rec.Code, want)
	}
}

// reportPercentiles reports the median and 99th percentile of times in
// milliseconds, by nearest rank: the smallest time that at least q of the
// edits took no longer than (of 100 edits, p99 is the 99th, not the
// slowest).
func reportPercentiles(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	at := func(q float64) float64 { return float64(nearestRank(times, q).Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkEditToFeed1k edits posts of a 1,000-post corpus.
func BenchmarkEditToFeed1k(b *testing.B) { benchEditToFeed(b, 1_000) }

// BenchmarkEditToFeed10k is BenchmarkEditToFeed1k over 10,000 posts; the
// goal is the same time, under 20 ms.
func BenchmarkEditToFeed10k(b *testing.B) { benchEditToFeed(b, 10_000) }

// nearestRank returns the q-quantile of sorted by nearest rank.
func nearestRank(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(len(sorted)-1, i))]
}

func TestNearestRank(t *testing.T) {
	times := make([]time.Duration, 100)
	for i := range times {
		times[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := nearestRank(times, c.q); got != c.want {
			t.Errorf("nearestRank(1..100 ms, %v) = %v, want %v", c.q, got, c.want)
		}
	}
	if got := nearestRank(times[:1], 0.99); got != time.Millisecond {
		t.Errorf("nearestRank of one time = %v", got)
	}
}
