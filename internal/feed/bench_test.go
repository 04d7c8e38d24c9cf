package feed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/corpus"
	"github.com/heraldhq/herald/internal/post"
)

// The benchmarks read a generated corpus through post.Library, so their
// figures include the Markdown rendering of every post that a feed shows
// (and only of those). Loading is outside the timer. Run them with a fixed
// count, e.g. `go test ./internal/feed -run '^$' -bench . -benchtime 10x`,
// because each cold iteration parses the corpus again untimed.

const benchPosts = 10_000

func benchLibrary(b *testing.B, dir string) *post.Library {
	b.Helper()
	authors := map[string]post.Author{}
	for _, k := range corpus.AuthorKeys() {
		authors[k] = post.Author{Key: k, Name: "Author " + k, Email: k + "@example.com"}
	}
	lib := post.NewLibrary(post.Options{Dir: dir, BaseURL: "https://example.com", Authors: authors, SummaryWords: 60})
	if err := lib.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	if n := len(lib.Snapshot().Problems()); n > 0 {
		b.Fatalf("%d posts of the corpus failed to parse, e.g. %v", n, lib.Snapshot().Problems()[0])
	}
	return lib
}

func benchCorpus(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	if err := corpus.Generate(dir, benchPosts, 1); err != nil {
		b.Fatal(err)
	}
	return dir
}

func benchSite() (Site, Options) {
	site := testSite()
	site.Authors = nil
	return site, Options{Limit: 20, PerTag: true, PerAuthor: true}
}

// BenchmarkBuild10k is a cold build of every feed (site, per tag, per
// author; three formats) over 10,000 published posts.
func BenchmarkBuild10k(b *testing.B) {
	dir := benchCorpus(b)
	site, opts := benchSite()
	b.ReportAllocs()
	b.ResetTimer()
	var files []File
	for range b.N {
		b.StopTimer()
		published := benchLibrary(b, dir).Snapshot().Published(corpus.Newest())
		b.StartTimer()
		var err error
		if files, err = Build(site, opts, published); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/build")
	b.ReportMetric(float64(len(files)), "files")
}

// BenchmarkRebuildAfterOneEdit edits the newest post (the worst case: it is
// in the site feed and in its tag and author feeds), lets the Library parse
// it again untimed, then times the incremental rebuild and the write of the
// changed files to disk.
func BenchmarkRebuildAfterOneEdit(b *testing.B) {
	dir := benchCorpus(b)
	lib := benchLibrary(b, dir)
	site, opts := benchSite()
	builder, err := NewBuilder(site, opts)
	if err != nil {
		b.Fatal(err)
	}
	out := NewWriter(b.TempDir())
	var building, writing time.Duration
	rebuild := func() int {
		start := time.Now()
		files, err := builder.Build(lib.Snapshot().Published(corpus.Newest()))
		if err != nil {
			b.Fatal(err)
		}
		built := time.Now()
		written, _, _, err := out.Write(files)
		if err != nil {
			b.Fatal(err)
		}
		building, writing = building+built.Sub(start), writing+time.Since(built)
		return written
	}
	rebuild()
	newest := filepath.Join(dir, filepath.FromSlash(lib.Snapshot().Published(corpus.Newest())[0].Path))
	original, err := os.ReadFile(newest)
	if err != nil {
		b.Fatal(err)
	}
	building, writing = 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	written := 0
	for i := range b.N {
		b.StopTimer()
		edited := fmt.Appendf(append([]byte(nil), original...), "\nEdit number %d.\n", i)
		if err := os.WriteFile(newest, edited, 0o644); err != nil {
			b.Fatal(err)
		}
		lib.Update([]string{newest})
		b.StartTimer()
		written += rebuild()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/rebuild")
	b.ReportMetric(float64(written)/float64(b.N), "files-written/op")
	b.ReportMetric(float64(building.Microseconds())/1000/float64(b.N), "ms-build/op")
	b.ReportMetric(float64(writing.Microseconds())/1000/float64(b.N), "ms-write/op")
}

// BenchmarkHeapPerFeed builds every feed of 10,000 posts spread over 256
// authors and 500 tags (over 2,000 files) with BuildTo into a folder, and
// reports what the Builder and Writer then keep in the heap per feed file
// (heap-B/file; the items cache is bounded, so it is a ceiling spread
// over the files) and at most during the build (peak-heap-MB, sampled).
//
//	go test ./internal/feed -run '^$' -bench HeapPerFeed -benchtime 1x
func BenchmarkHeapPerFeed(b *testing.B) {
	dir := b.TempDir()
	sh := corpus.Shape{Authors: 256, Tags: 500}
	if err := corpus.GenerateShape(dir, benchPosts, 1, sh); err != nil {
		b.Fatal(err)
	}
	site, opts := benchSite()
	for b.Loop() {
		b.StopTimer()
		published := benchLibrary(b, dir).Snapshot().Published(corpus.Newest())
		builder, err := NewBuilder(site, opts)
		if err != nil {
			b.Fatal(err)
		}
		w := NewWriter(b.TempDir())
		before := liveHeap()
		stop, peak := sampleHeap()
		b.StartTimer()
		files, _, err := builder.BuildTo(published, w)
		b.StopTimer()
		stop()
		if err != nil {
			b.Fatal(err)
		}
		after := liveHeap()
		b.ReportMetric(float64(after-before)/float64(len(files)), "heap-B/file")
		b.ReportMetric(float64(*peak)/1e6, "peak-heap-MB")
		b.ReportMetric(float64(len(files)), "files")
		runtime.KeepAlive(builder)
		runtime.KeepAlive(w)
		b.StartTimer()
	}
}

// liveHeap is the heap after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// sampleHeap records the largest HeapAlloc every 10 ms until stop.
func sampleHeap() (stop func(), peak *uint64) {
	peak = new(uint64)
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			*peak = max(*peak, m.HeapAlloc)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }, peak
}
