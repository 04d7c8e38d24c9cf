package post_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/corpus"
	"github.com/heraldhq/herald/internal/post"
)

// corpusOptions generates n posts in a temp dir and returns Options for it.
func corpusOptions(b *testing.B, n int) post.Options {
	b.Helper()
	dir := b.TempDir()
	if err := corpus.Generate(dir, n, 1); err != nil {
		b.Fatal(err)
	}
	authors := map[string]post.Author{}
	for _, k := range corpus.AuthorKeys() {
		authors[k] = post.Author{Key: k, Name: k}
	}
	return post.Options{Dir: dir, BaseURL: "https://blog.example.com", Authors: authors, SummaryWords: 50}
}

// BenchmarkLoad10k is a cold Load of 10,000 posts (front matter only; no
// body is rendered).
func BenchmarkLoad10k(b *testing.B) { benchLoad(b, corpusOptions(b, 10_000), 10_000) }

// benchLoad times cold Loads with opts, each of which must find n posts.
func benchLoad(b *testing.B, opts post.Options, n int) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		lib := post.NewLibrary(opts)
		if err := lib.Load(context.Background()); err != nil {
			b.Fatal(err)
		}
		if got := lib.Snapshot().Len(); got != n {
			b.Fatalf("loaded %d posts, want %d", got, n)
		}
	}
}

// BenchmarkLoad10kHugo is BenchmarkLoad10k with the posts folder inside a
// Hugo site (content/posts), as bench/gen lays it out and the cold build
// of the benchmark reads it: each URL is built by Hugo's rules.
func BenchmarkLoad10kHugo(b *testing.B) {
	opts := corpusOptions(b, 10_000)
	opts.Site = &post.Site{Generator: post.Hugo, Prefix: "posts"}
	benchLoad(b, opts, 10_000)
}

// BenchmarkLoad10kRender20 is a cold Load plus rendering the newest 20
// published posts, what one feed build needs.
func BenchmarkLoad10kRender20(b *testing.B) {
	opts := corpusOptions(b, 10_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		lib := post.NewLibrary(opts)
		if err := lib.Load(context.Background()); err != nil {
			b.Fatal(err)
		}
		for _, p := range lib.Snapshot().Published(corpus.Newest())[:20] {
			if p.ContentHTML() == "" || p.Summary() == "" {
				b.Fatalf("%s rendered empty", p.Path)
			}
		}
	}
}

// BenchmarkUpdateOne is the Update after one file of a 10,000-post library
// changed.
func BenchmarkUpdateOne(b *testing.B) {
	opts := corpusOptions(b, 10_000)
	lib := post.NewLibrary(opts)
	if err := lib.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	target := lib.Snapshot().All()[5000]
	abs := filepath.Join(opts.Dir, filepath.FromSlash(target.Path))
	orig, err := os.ReadFile(abs)
	if err != nil {
		b.Fatal(err)
	}
	versions := [][]byte{append(orig, "\nAn edit.\n"...), orig}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		b.StopTimer()
		if err := os.WriteFile(abs, versions[i%2], 0o644); err != nil {
			b.Fatal(err)
		}
		i++
		b.StartTimer()
		if !lib.Update([]string{abs}) {
			b.Fatal("Update reported no change after an edit")
		}
	}
}

var benchPost = []byte("---\ntitle: \"A post about anchoring\"\ndate: 2026-11-25T10:00:00Z\nauthor: mike\ntags: [negotiation, sales]\n---\n\n" +
	strings.Repeat("Some text with a [link](../x/) and `code`, *emphasis* and more words to render.\n\n", 60))

// BenchmarkParse is the cost of one post in a cold load: front matter only.
func BenchmarkParse(b *testing.B) {
	opts := post.Options{BaseURL: "https://blog.example.com", Authors: map[string]post.Author{"mike": {}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := post.Parse("blog/a.md", benchPost, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContentHTML is the cost of rendering one post's body.
func BenchmarkContentHTML(b *testing.B) {
	opts := post.Options{BaseURL: "https://blog.example.com", Authors: map[string]post.Author{"mike": {}}}
	b.ReportAllocs()
	for b.Loop() {
		p, err := post.Parse("blog/a.md", benchPost, opts)
		if err != nil || p.ContentHTML() == "" {
			b.Fatal(err)
		}
	}
}

// BenchmarkContentHTMLSummary is what a feed asks of a post it lists: its
// HTML, then its summary.
func BenchmarkContentHTMLSummary(b *testing.B) {
	opts := post.Options{BaseURL: "https://blog.example.com", Authors: map[string]post.Author{"mike": {}}, SummaryWords: 50}
	b.ReportAllocs()
	for b.Loop() {
		p, err := post.Parse("blog/a.md", benchPost, opts)
		if err != nil || p.ContentHTML() == "" || p.Summary() == "" {
			b.Fatal(err)
		}
	}
}

// BenchmarkHeapPerPost loads 10,000 posts spread over 256 authors and 500
// tags, renders every published one (as a build with every feed does), and
// reports the heap the Library then holds per post (heap-B/post): the post
// metadata, the summaries and the bounded HTML cache, no bodies.
//
//	go test ./internal/post -run '^$' -bench HeapPerPost -benchtime 1x
func BenchmarkHeapPerPost(b *testing.B) {
	const n = 10_000
	dir := b.TempDir()
	sh := corpus.Shape{Authors: 256, Tags: 500}
	if err := corpus.GenerateShape(dir, n, 1, sh); err != nil {
		b.Fatal(err)
	}
	authors := map[string]post.Author{}
	for _, k := range sh.AuthorKeys() {
		authors[k] = post.Author{Key: k, Name: "Author " + k, Email: k + "@blog.example.com"}
	}
	opts := post.Options{Dir: dir, BaseURL: "https://blog.example.com", Authors: authors, SummaryWords: 50}
	for b.Loop() {
		before := heapInUse()
		lib := post.NewLibrary(opts)
		if err := lib.Load(context.Background()); err != nil {
			b.Fatal(err)
		}
		for _, p := range lib.Snapshot().Published(corpus.Newest()) {
			p.ContentHTML()
			p.Summary()
		}
		after := heapInUse()
		b.ReportMetric(float64(after-before)/n, "heap-B/post")
		runtime.KeepAlive(lib)
	}
}

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
