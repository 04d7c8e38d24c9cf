package post_test

import (
	"github.com/heraldhq/herald/internal/testkit"

	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
)

// dump writes every field of p that feeds and emails use.
func dump(b *strings.Builder, p *post.Post) {
	fmt.Fprintf(b, "== %s\nid: %s\ntitle: %s\ndate: %s\n", p.Path, p.ID, p.Title, p.Date.Format(time.RFC3339))
	if !p.Updated.IsZero() {
		fmt.Fprintf(b, "updated: %s\n", p.Updated.Format(time.RFC3339))
	}
	fmt.Fprintf(b, "authors: %s\ntags: %q\ncategories: %q\ndraft: %v\npermalink: %s\nsummary: %s\ncontent:\n%s\n",
		strings.Join(authorKeys(p), ", "), p.Tags, p.Categories, p.Draft, p.Permalink, p.Summary(), p.ContentHTML())
}

func TestExampleSite(t *testing.T) {
	opts := post.Options{
		Dir: filepath.Join("..", "..", "examples", "posts"), BaseURL: "https://blog.example.com",
		Location: time.UTC, SummaryWords: 30,
		Authors: map[string]post.Author{"mike": {Name: "Mike"}, "andrew": {Name: "Andrew"}, "sarah": {Name: "Sarah"}},
	}
	lib := post.NewLibrary(opts)
	if err := lib.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap := lib.Snapshot()
	if probs := snap.Problems(); len(probs) != 0 {
		t.Fatalf("the example site has problems: %v", probs)
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if pub, drafts, future := snap.Counts(now); pub != 6 || drafts != 1 || future != 1 {
		t.Errorf("Counts = %d published, %d drafts, %d future; want 6, 1, 1", pub, drafts, future)
	}
	var b strings.Builder
	for _, p := range snap.All() {
		dump(&b, p)
	}
	testkit.Golden(t, filepath.Join("testdata", "examples.golden"), []byte(b.String()))
}
