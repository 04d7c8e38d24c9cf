package watch

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkSaveToBatch measures one save to its batch with a 1 ms debounce:
// the watcher's own latency is ns/op minus that millisecond.
func BenchmarkSaveToBatch(b *testing.B) {
	root, err := filepath.EvalSymlinks(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	w, err := New(Options{Debounce: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if err := w.Add(root, true); err != nil {
		b.Fatal(err)
	}
	post := filepath.Join(root, "post.md")
	for b.Loop() {
		if err := os.WriteFile(post, []byte("body"), 0o644); err != nil {
			b.Fatal(err)
		}
		select {
		case <-w.Events():
		case err := <-w.Errors():
			b.Fatal(err)
		case <-time.After(waitLimit):
			b.Fatal("no batch")
		}
	}
}

// BenchmarkTake measures sorting a burst of 10,000 changed paths.
func BenchmarkTake(b *testing.B) {
	paths := make([]string, 10000)
	for i := range paths {
		paths[i] = filepath.Join("/site/posts", string(rune('a'+i%26)), time.Duration(i).String()+".md")
	}
	c := newCoalescer(time.Millisecond, time.Second)
	now := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	for b.Loop() {
		c.add(now, paths...)
		if len(c.take()) != len(paths) {
			b.Fatal("paths lost")
		}
	}
}
