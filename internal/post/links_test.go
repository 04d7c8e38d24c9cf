package post_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/post"
)

// TestLibrarySymlinks checks the one rule for symbolic links, the same in
// Load (build, check, a restart) and in Update (a link made while herald
// serves): a link leading outside the posts folder is followed; one
// leading back into it, or looping, is skipped with a note, and no post is
// read twice.
func TestLibrarySymlinks(t *testing.T) {
	elsewhere := t.TempDir()
	os.WriteFile(filepath.Join(elsewhere, "shared.md"), []byte(src("Shared", "2026-11-03T10:00:00Z")), 0o644)
	s := newSite(t, map[string]string{
		"a.md":      src("A", "2026-11-01T10:00:00Z"),
		"2026/b.md": src("B", "2026-11-02T10:00:00Z"),
	})
	link := func(target, rel string) string {
		t.Helper()
		if err := os.Symlink(target, s.abs(rel)); err != nil {
			t.Fatal(err)
		}
		return s.abs(rel)
	}
	link(s.dir, "again")
	link(s.abs("2026"), "year")
	link(s.abs("a.md"), "a-again.md")
	link(elsewhere, "ext")
	link(s.abs("loop2"), "loop1")
	link(s.abs("loop1"), "loop2")
	check := func(when string, wantNotes ...string) {
		t.Helper()
		want := []string{"ext/shared.md", "2026/b.md", "a.md"}
		if got := s.paths(); !slices.Equal(got, want) {
			t.Errorf("%s: posts %q, want %q", when, got, want)
		}
		var notes []string
		for _, n := range s.lib.Snapshot().Notes() {
			notes = append(notes, n.Path)
			if !strings.Contains(n.Msg, "skipped") {
				t.Errorf("%s: note %q does not say the link is skipped", when, n.Error())
			}
		}
		if !slices.Equal(notes, wantNotes) {
			t.Errorf("%s: notes for %q, want %q", when, notes, wantNotes)
		}
		if p := s.lib.Snapshot().Problems(); len(p) != 0 {
			t.Errorf("%s: problems %v, want none (a skipped link is a note, not an error)", when, p)
		}
	}
	if err := s.lib.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("Load", "a-again.md", "again", "loop1", "loop2", "year")

	// While serving: a link back to the posts folder is made, and the
	// watcher reports it.
	s.update(true, link(s.dir, "mirror"))
	check("Update of a new link", "a-again.md", "again", "loop1", "loop2", "mirror", "year")
	s.update(false, s.abs("ext"), s.abs("again"), s.abs("year"))
	check("Update of the old links", "a-again.md", "again", "loop1", "loop2", "mirror", "year")

	fresh := post.NewLibrary(testOptionsFor(s.dir))
	if err := fresh.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := len(fresh.Snapshot().All()), 3; got != want {
		t.Errorf("a restart reads %d posts, want %d", got, want)
	}
}

func testOptionsFor(dir string) post.Options {
	opts := testOptions()
	opts.Dir = dir
	return opts
}
