package post_test

import (
	"strings"
	"testing"
	"unsafe"
)

// TestPostsShareNames checks that posts naming the same tags, categories
// and authors share one copy of each (a post's metadata is then its own
// title, path and URLs), and that a post parsed by Update joins them.
func TestPostsShareNames(t *testing.T) {
	post := func(title, date string) string {
		return "---\ntitle: " + title + "\ndate: " + date + "\nauthor: Ann Writer\ntags: [go, memory]\ncategories: [notes]\n---\nBody.\n"
	}
	s := newSite(t, map[string]string{"a.md": post("A", "2026-01-01"), "b.md": post("B", "2026-01-02")})
	s.write("c.md", post("C", "2026-01-03"))
	s.update(true, s.abs("c.md"))
	snap := s.lib.Snapshot()
	a, b, c := snap.ByPath("a.md"), snap.ByPath("b.md"), snap.ByPath("c.md")
	for _, p := range []struct {
		name string
		x, y []string
	}{{"tags", a.Tags, b.Tags}, {"tags after Update", a.Tags, c.Tags}, {"categories", a.Categories, c.Categories}} {
		if strings.Join(p.x, ",") != strings.Join(p.y, ",") || len(p.x) == 0 {
			t.Fatalf("%s: %q and %q", p.name, p.x, p.y)
		}
		for i := range p.x {
			if unsafe.StringData(p.x[i]) != unsafe.StringData(p.y[i]) {
				t.Errorf("%s: %q is held twice", p.name, p.x[i])
			}
		}
	}
	if len(a.Authors) != 1 || a.Authors[0].Name != "Ann Writer" {
		t.Fatalf("authors %+v", a.Authors)
	}
	if &a.Authors[0] != &b.Authors[0] || &a.Authors[0] != &c.Authors[0] {
		t.Error("posts with the same authors hold a list each")
	}
}
