package watch

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWatchSymlinks checks that the watcher applies linkrule like the post
// loader: a link made while watching that leads outside the tree is
// watched through (its files are reported under the link, now and when
// they change); one that leads back into the tree is reported as itself,
// never with the tree's files a second time.
func TestWatchSymlinks(t *testing.T) {
	posts, elsewhere := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(posts, "a.md"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(elsewhere, "shared.md"), []byte("s"), 0o644)
	w := newTestWatcher(t, Options{})
	mustAdd(t, w, posts, true)

	mirror := filepath.Join(posts, "mirror")
	if err := os.Symlink(posts, mirror); err != nil {
		t.Fatal(err)
	}
	ext := filepath.Join(posts, "ext")
	if err := os.Symlink(elsewhere, ext); err != nil {
		t.Fatal(err)
	}
	got := paths(collect(t, w, mirror, filepath.Join(ext, "shared.md")))
	if slices.ContainsFunc(got, func(p string) bool { return strings.HasPrefix(p, mirror+string(filepath.Separator)) }) {
		t.Errorf("batches %q report files through the link back into the tree", got)
	}

	os.WriteFile(filepath.Join(elsewhere, "new.md"), []byte("n"), 0o644)
	collect(t, w, filepath.Join(ext, "new.md"))
}

func paths(batches []Batch) []string {
	var out []string
	for _, b := range batches {
		out = append(out, b.Paths...)
	}
	return out
}
