package feed

import (
	"bytes"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/post"
	"github.com/mmcdole/gofeed"
)

// TestParsedPost goes through the real seam: a Markdown file read by
// post.Parse, rendered lazily by the post package, then written to every
// format and read back with gofeed.
func TestParsedPost(t *testing.T) {
	src := "---\ntitle: \"Fish & <Chips> ]]> 🎉\"\ndate: 2026-11-20T09:00:00Z\nauthor: alice\ntags: [go, عربي]\n---\n\n" +
		"First paragraph with a [relative link](../other/).\n\n<div class=\"raw\">raw HTML</div>\n\n```\nx := a[b[0]]> c\n```\n"
	p, err := post.Parse("2026/fish.md", []byte(src), post.Options{
		Dir: ".", BaseURL: "https://example.com", Authors: map[string]post.Author{"alice": alice},
	})
	if err != nil {
		t.Fatalf("post.Parse: %v", err)
	}
	if p.ContentHTML() == "" {
		t.Fatal("post.ContentHTML rendered nothing")
	}
	files, err := Build(testSite(), Options{PerTag: true}, []*post.Post{p})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !IsFeed(f.Path) {
			continue
		}
		got, err := gofeed.NewParser().Parse(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("%s: gofeed: %v", f.Path, err)
		}
		it := got.Items[0]
		if it.Title != p.Title {
			t.Errorf("%s: item title %q, want %q", f.Path, it.Title, p.Title)
		}
		for _, want := range []string{`href="https://example.com/`, "raw HTML", "x := a[b[0]]&gt; c"} {
			if !strings.Contains(it.Content, want) {
				t.Errorf("%s: content %q lacks %q", f.Path, it.Content, want)
			}
		}
		if it.GUID != p.ID && it.GUID != atomID(p.ID) {
			t.Errorf("%s: id %q, want the post's %q", f.Path, it.GUID, p.ID)
		}
	}
}
