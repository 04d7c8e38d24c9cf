package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/corpus"
)

// TestRun builds the feeds of a small generated corpus: 20 items each,
// newest first, drafts and future posts left out.
func TestRun(t *testing.T) {
	posts, out := t.TempDir(), t.TempDir()
	if err := corpus.Generate(posts, 120, 1); err != nil {
		t.Fatal(err)
	}
	n, err := run(posts, out, corpus.Newest())
	if err != nil || n != 120 {
		t.Fatalf("run = %d, %v; want 120 posts read", n, err)
	}
	for name, item := range map[string]string{"feed.xml": "<item>", "atom.xml": "<entry>", "feed.json": `"content_html"`} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(string(data), item); got != 20 {
			t.Errorf("%s has %d items, want 20", name, got)
		}
	}
	rss, _ := os.ReadFile(filepath.Join(out, "feed.xml"))
	if !strings.Contains(string(rss), "<pubDate>Wed, 25 Nov 2026 09:00:00") {
		t.Errorf("feed.xml does not start from the newest post (%s)", corpus.Newest())
	}
}

func TestRunBadPost(t *testing.T) {
	posts := t.TempDir()
	if err := os.WriteFile(filepath.Join(posts, "broken.md"), []byte("no front matter here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := run(posts, t.TempDir(), corpus.Newest())
	if err == nil || !strings.Contains(err.Error(), "broken.md: no front matter") {
		t.Fatalf("error %v, want one naming broken.md and the missing front matter", err)
	}
}
