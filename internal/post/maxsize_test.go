package post_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/post"
)

const sizedFront = "---\ntitle: %s\ndate: 2026-11-01T10:00:00Z\n---\n"

// TestMaxSizeSkipsLargePost loads a folder with a post over the default
// limit of 4 MB next to a small one: the small one loads, the large one is
// skipped with a problem that names the limit; so does a post that grows
// past the limit later, through Update.
func TestMaxSizeSkipsLargePost(t *testing.T) {
	big := strings.Replace(sizedFront, "%s", "Big", 1) + strings.Repeat("word ", (post.DefaultMaxSize/5)+1)
	small := strings.Replace(sizedFront, "%s", "Small", 1) + "Hello.\n"
	s := newSite(t, map[string]string{"big.md": big, "small.md": small})
	if got := s.paths(); len(got) != 1 || got[0] != "small.md" {
		t.Fatalf("posts = %v, want only small.md", got)
	}
	wantTooLarge(t, s.lib.Snapshot().Problems(), "big.md", "4194304 bytes (posts.max_size)")

	s.write("small.md", small+strings.Repeat("more ", post.DefaultMaxSize/5))
	s.lib.Update([]string{s.abs("small.md")})
	if got := s.paths(); len(got) != 0 {
		t.Fatalf("posts after small.md grew = %v, want none", got)
	}
	wantTooLarge(t, s.lib.Snapshot().Problems(), "small.md", "posts.max_size")
}

func TestMaxSizeOption(t *testing.T) {
	dir := t.TempDir()
	s := &site{t: t, dir: dir}
	s.write("a.md", strings.Replace(sizedFront, "%s", "A", 1)+strings.Repeat("x", 2000))
	s.write("b.md", strings.Replace(sizedFront, "%s", "B", 1)+"short\n")
	for _, tc := range []struct {
		max  int64
		want int
	}{{1000, 1}, {-1, 2}, {0, 2}} {
		opts := testOptions()
		opts.Dir, opts.MaxSize = dir, tc.max
		s.lib = post.NewLibrary(opts)
		if err := s.lib.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := len(s.paths()); got != tc.want {
			t.Errorf("MaxSize %d: %d posts, want %d (problems %v)", tc.max, got, tc.want, s.lib.Snapshot().Problems())
		}
	}
}

func wantTooLarge(t *testing.T, problems []post.Problem, path, msg string) {
	t.Helper()
	for _, p := range problems {
		if p.Path == path && strings.Contains(p.Msg, msg) {
			return
		}
	}
	t.Errorf("no problem for %s containing %q in %v", path, msg, problems)
}
