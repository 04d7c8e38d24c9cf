package linkrule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	base := t.TempDir()
	posts := filepath.Join(base, "posts")
	elsewhere := filepath.Join(base, "elsewhere")
	for _, d := range []string{filepath.Join(posts, "2026"), filepath.Join(elsewhere, "deep")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(elsewhere, "shared.md"), []byte("x"), 0o644)
	links := map[string]string{
		filepath.Join(posts, "again"):           posts,
		filepath.Join(posts, "year"):            filepath.Join(posts, "2026"),
		filepath.Join(posts, "up"):              base,
		filepath.Join(posts, "ext"):             elsewhere,
		filepath.Join(posts, "shared.md"):       filepath.Join(elsewhere, "shared.md"),
		filepath.Join(posts, "gone"):            filepath.Join(base, "missing"),
		filepath.Join(posts, "a"):               filepath.Join(posts, "b"),
		filepath.Join(posts, "b"):               filepath.Join(posts, "a"),
		filepath.Join(elsewhere, "deep", "top"): elsewhere,
	}
	for link, target := range links {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, link string
		walking    []string
		skip       string // part of the reason; "" when followed
	}{
		{"back to the posts folder", "posts/again", []string{posts}, "back into the posts folder"},
		{"to a folder inside it", "posts/year", []string{posts}, "back into the posts folder"},
		{"to a folder holding it", "posts/up", []string{posts}, "loops"},
		{"outside", "posts/ext", []string{posts}, ""},
		{"a file outside", "posts/shared.md", []string{posts}, ""},
		{"nowhere", "posts/gone", []string{posts}, "leads nowhere"},
		{"a loop of links", "posts/a", []string{posts}, "loops"},
		{"back up a linked folder", "elsewhere/deep/top", []string{posts, filepath.Join(posts, "ext")}, "linked folder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target, err := Check(tc.walking, filepath.Join(base, tc.link))
			switch {
			case tc.skip == "" && err != nil:
				t.Errorf("skipped (%v), want it followed", err)
			case tc.skip == "" && target != links[filepath.Join(base, tc.link)]:
				t.Errorf("target %q, want %q", target, links[filepath.Join(base, tc.link)])
			case tc.skip != "" && (err == nil || !strings.Contains(err.Error(), tc.skip)):
				t.Errorf("error %v, want it skipped because it %s", err, tc.skip)
			}
		})
	}
}
