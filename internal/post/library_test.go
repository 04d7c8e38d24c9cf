package post_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
)

// site is a posts folder in a temp dir with a Library on it.
type site struct {
	t   *testing.T
	dir string
	lib *post.Library
}

func newSite(t *testing.T, files map[string]string) *site {
	t.Helper()
	s := &site{t: t, dir: t.TempDir()}
	for rel, src := range files {
		s.write(rel, src)
	}
	opts := testOptions()
	opts.Dir = s.dir
	s.lib = post.NewLibrary(opts)
	if err := s.lib.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *site) abs(rel string) string { return filepath.Join(s.dir, filepath.FromSlash(rel)) }

func (s *site) write(rel, src string) string {
	s.t.Helper()
	p := s.abs(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// paths lists the snapshot's posts newest first.
func (s *site) paths() []string {
	var out []string
	for _, p := range s.lib.Snapshot().All() {
		out = append(out, p.Path)
	}
	return out
}

func (s *site) update(wantChanged bool, paths ...string) {
	s.t.Helper()
	if got := s.lib.Update(paths); got != wantChanged {
		s.t.Errorf("Update(%v) = %v, want %v", paths, got, wantChanged)
	}
}

func src(title, date string) string {
	return "---\ntitle: " + title + "\ndate: " + date + "\n---\nBody of " + title + ".\n"
}

func TestLibraryLoad(t *testing.T) {
	s := newSite(t, map[string]string{
		"a.md":                   src("A", "2026-01-01"),
		"blog/b.md":              src("B", "2026-03-01"),
		"blog/bundle/index.md":   src("Bundle", "2026-02-01"),
		"blog/bundle/notes.txt":  "not a post",
		"blog/_index.md":         src("Section page", "2026-04-01"),
		".hidden/c.md":           src("Hidden", "2026-04-01"),
		"blog/.draft.md":         src("Hidden file", "2026-04-01"),
		"old/2025-12-24-xmas.md": "---\ntitle: Xmas\n---\n",
		"tie/z.md":               src("Z", "2026-01-01"),
		"bad/broken.md":          "---\ntitle: [\n---\n",
		"bad/author.markdown":    "---\ntitle: T\ndate: 2026-01-01\nauthor: [[nobody]]\n---\n",
	})
	want := []string{"blog/b.md", "blog/bundle/index.md", "a.md", "tie/z.md", "old/2025-12-24-xmas.md"}
	if got := s.paths(); !slices.Equal(got, want) {
		t.Errorf("All() = %q\nwant %q", got, want)
	}
	probs := s.lib.Snapshot().Problems()
	if len(probs) != 2 || probs[0].Path != "bad/author.markdown" || probs[1].Path != "bad/broken.md" {
		t.Errorf("Problems() = %v, want the two bad files sorted by path", probs)
	}
	if p := s.lib.Snapshot().ByPath("blog/bundle/index.md"); p == nil || p.Slug != "bundle" {
		t.Errorf("ByPath(bundle) = %+v, want the bundle post with slug bundle", p)
	}
	if p := s.lib.Snapshot().ByPath("nope.md"); p != nil {
		t.Errorf("ByPath(nope.md) = %+v, want nil", p)
	}
}

func TestLibraryLoadErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	for i := range 5 {
		if err := os.WriteFile(filepath.Join(dir, string(rune('a'+i))+".md"), []byte(src("T", "2026-01-01")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		opts post.Options
		ctx  context.Context
		want string
	}{
		{"missing folder", post.Options{Dir: filepath.Join(dir, "nope"), BaseURL: "https://x.org"}, context.Background(), "no such file"},
		{"bad base url", post.Options{Dir: dir, BaseURL: "x.org"}, context.Background(), "base url"},
		{"canceled", post.Options{Dir: dir, BaseURL: "https://x.org"}, canceled, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := post.NewLibrary(tt.opts).Load(tt.ctx)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestLibraryUpdate(t *testing.T) {
	s := newSite(t, map[string]string{"a.md": src("A", "2026-01-01"), "b.md": src("B", "2026-02-01")})
	before := s.lib.Snapshot()

	s.update(true, s.write("c.md", src("C", "2026-03-01")))
	if got, want := s.paths(), []string{"c.md", "b.md", "a.md"}; !slices.Equal(got, want) {
		t.Fatalf("after add: %q, want %q", got, want)
	}
	s.update(true, s.write("a.md", src("A2", "2026-04-01")))
	if got := s.lib.Snapshot().All()[0]; got.Path != "a.md" || got.Title != "A2" {
		t.Errorf("after edit: newest %s %q, want a.md A2", got.Path, got.Title)
	}
	s.update(false, s.abs("a.md")) // same bytes again
	if err := os.Rename(s.abs("b.md"), s.abs("renamed.md")); err != nil {
		t.Fatal(err)
	}
	s.update(true, s.abs("b.md"), s.abs("renamed.md"))
	if err := os.Remove(s.abs("c.md")); err != nil {
		t.Fatal(err)
	}
	s.update(true, s.abs("c.md"))
	if got, want := s.paths(), []string{"a.md", "renamed.md"}; !slices.Equal(got, want) {
		t.Errorf("after rename and delete: %q, want %q", got, want)
	}
	if got := len(before.All()); got != 2 || before.ByPath("c.md") != nil {
		t.Errorf("the first snapshot changed: %d posts", got)
	}
}

func TestLibraryUpdateFolders(t *testing.T) {
	s := newSite(t, map[string]string{"a.md": src("A", "2026-01-01")})
	s.write("new/x.md", src("X", "2026-02-01"))
	s.write("new/deeper/y.md", src("Y", "2026-03-01"))
	s.write("new/bundle/index.md", src("Bundle", "2026-04-01"))
	s.update(true, s.abs("new"))
	if got, want := s.paths(), []string{"new/bundle/index.md", "new/deeper/y.md", "new/x.md", "a.md"}; !slices.Equal(got, want) {
		t.Fatalf("after new folder: %q, want %q", got, want)
	}
	if err := os.RemoveAll(s.abs("new/deeper")); err != nil {
		t.Fatal(err)
	}
	s.update(true, s.abs("new/deeper"))
	if err := os.Remove(s.abs("a.md")); err != nil {
		t.Fatal(err)
	}
	s.write("a.md/index.md", src("Now a bundle", "2026-05-01")) // a file became a folder
	s.update(true, s.abs("a.md"))
	if got, want := s.paths(), []string{"a.md/index.md", "new/bundle/index.md", "new/x.md"}; !slices.Equal(got, want) {
		t.Errorf("after folder changes: %q, want %q", got, want)
	}
	s.update(false, filepath.Join(filepath.Dir(s.dir), "elsewhere.md"), s.abs(".git/x.md"), s.write("new/img.png", "png"))
}

func TestLibraryUpdateProblems(t *testing.T) {
	s := newSite(t, map[string]string{"a.md": src("A", "2026-01-01")})
	s.update(true, s.write("a.md", "---\ntitle: A\ndate: later\n---\n"))
	snap := s.lib.Snapshot()
	if len(snap.All()) != 0 || len(snap.Problems()) != 1 || snap.Problems()[0].Line != 3 {
		t.Fatalf("after breaking a.md: %d posts, problems %v", len(snap.All()), snap.Problems())
	}
	s.update(false, s.abs("a.md"))
	s.update(true, s.write("a.md", src("A", "2026-01-01")))
	if snap := s.lib.Snapshot(); len(snap.All()) != 1 || len(snap.Problems()) != 0 {
		t.Errorf("after fixing a.md: %d posts, problems %v", len(snap.All()), snap.Problems())
	}
}

func TestSnapshotPublication(t *testing.T) {
	s := newSite(t, map[string]string{
		"past.md":   src("Past", "2026-01-01"),
		"draft.md":  "---\ntitle: D\ndate: 2026-01-02\ndraft: true\n---\n",
		"soon.md":   src("Soon", "2026-06-01"),
		"later.md":  src("Later", "2030-01-01"),
		"fdraft.md": "---\ntitle: FD\ndate: 2026-05-01\ndraft: true\n---\n",
	})
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	snap := s.lib.Snapshot()
	if pub, drafts, future := snap.Counts(now); pub != 1 || drafts != 2 || future != 2 {
		t.Errorf("Counts = %d, %d, %d; want 1, 2, 2", pub, drafts, future)
	}
	if got := snap.Published(now); len(got) != 1 || got[0].Path != "past.md" {
		t.Errorf("Published = %v, want only past.md", got)
	}
	if got, want := snap.NextPublication(now), time.Date(2026, 6, 1, 0, 0, 0, 0, eastern); !got.Equal(want) {
		t.Errorf("NextPublication = %v, want %v", got, want)
	}
	if got := snap.NextPublication(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)); !got.IsZero() {
		t.Errorf("NextPublication after every post = %v, want zero", got)
	}
}

func TestLibraryConcurrentSnapshots(t *testing.T) {
	s := newSite(t, map[string]string{"a.md": src("A", "2026-01-01")})
	path := s.abs("b.md")
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 50 {
			s.write("b.md", src("B", "2026-02-01")+strings.Repeat("x", i))
			s.lib.Update([]string{path})
		}
	})
	for range 4 {
		wg.Go(func() {
			for range 200 {
				for _, p := range s.lib.Snapshot().All() {
					if p.ContentHTML() == "" {
						t.Errorf("%s rendered empty", p.Path)
					}
				}
			}
		})
	}
	wg.Wait()
	if n := len(s.lib.Snapshot().All()); n != 2 {
		t.Errorf("%d posts at the end, want 2", n)
	}
}

func TestSnapshotDuplicateIDs(t *testing.T) {
	s := newSite(t, map[string]string{
		"news/same.md": src("One", "2026-01-01"),
		"blog/same.md": src("Two", "2026-01-01"), // same slug and date: same generated id
		"other.md":     src("Three", "2026-01-01"),
		"pinned/a.md":  "---\ntitle: A\ndate: 2026-02-01\nid: urn:x\n---\n",
		"pinned/b.md":  "---\ntitle: B\ndate: 2026-03-01\nid: urn:x\n---\n",
	})
	probs := s.lib.Snapshot().DuplicateIDs()
	if len(probs) != 2 || probs[0].Path != "news/same.md" || !strings.Contains(probs[0].Msg, "blog/same.md") ||
		probs[1].Path != "pinned/b.md" || !strings.Contains(probs[1].Msg, `"urn:x"`) {
		t.Errorf("DuplicateIDs() = %v, want news/same.md and pinned/b.md", probs)
	}
}

func TestLibraryUpdateWholeFolder(t *testing.T) {
	s := newSite(t, map[string]string{"a.md": src("A", "2026-01-01"), "x/b.md": src("B", "2026-02-01")})
	s.update(false, s.dir)
	s.write("x/c.md", src("C", "2026-03-01"))
	if err := os.Remove(s.abs("a.md")); err != nil {
		t.Fatal(err)
	}
	s.update(true, s.dir)
	if got, want := s.paths(), []string{"x/c.md", "x/b.md"}; !slices.Equal(got, want) {
		t.Errorf("after rescanning the posts folder: %q, want %q", got, want)
	}
}

func TestLibraryRelativeDir(t *testing.T) {
	s := newSite(t, map[string]string{"a.md": src("A", "2026-01-01")})
	t.Chdir(s.dir)
	opts := testOptions()
	opts.Dir = "."
	lib := post.NewLibrary(opts)
	if err := lib.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.write("b.md", src("B", "2026-02-01"))
	if !lib.Update([]string{s.abs("b.md")}) {
		t.Error("Update(absolute path) under a relative Dir reported no change")
	}
	s.write("a.md", src("A2", "2026-01-01"))
	if !lib.Update([]string{"a.md"}) {
		t.Error("Update(relative path) reported no change")
	}
	if p := lib.Snapshot().ByPath("a.md"); lib.Snapshot().Len() != 2 || p == nil || p.Title != "A2" {
		t.Errorf("after both updates: %d posts, a.md = %+v; want 2 posts and a.md titled A2", lib.Snapshot().Len(), p)
	}
}

// TestLibraryUpdateRenewsLinkingPosts: when an Update moves a post that
// another links to (a new URL, deleted, back), the linking post, whose
// file did not change, is a new *Post in the snapshot (the feed builder
// keeps renderings by *Post) that shows the URL as it is now and notes a
// reference naming no post as Load would; a body edit that moves no URL
// leaves it as it was.
func TestLibraryUpdateRenewsLinkingPosts(t *testing.T) {
	s := newSite(t, map[string]string{
		"linking.md": "---\ntitle: Linking\ndate: 2026-01-03\n---\n[one]({{< relref \"target\" >}}) [two]({% link target.md %})\n",
		"target.md":  src("Target", "2026-01-02"),
		"other.md":   src("Other", "2026-01-01"),
	})
	linking := func() *post.Post { return s.lib.Snapshot().ByPath("linking.md") }
	check := func(what, url string, notes int) {
		t.Helper()
		p := linking()
		link := url // Jekyll's link to a file that is no post
		if url == "https://blog.example.com/" {
			link = "https://blog.example.com/target.html"
		}
		want := `<p><a href="` + url + `">one</a> <a href="` + link + `">two</a></p>` + "\n"
		if got := p.ContentHTML(); got != want {
			t.Errorf("%s: got\n%s\nwant\n%s", what, got, want)
		}
		if len(p.Unsupported) != notes {
			t.Errorf("%s: notes %v, want %d", what, p.Unsupported, notes)
		}
	}
	check("loaded", "https://blog.example.com/2026/01/target/", 0)
	first := linking()
	s.update(true, s.write("other.md", src("Other", "2026-01-01")+"More.\n"))
	if linking() != first {
		t.Error("an edit that moved no URL renewed the linking post")
	}
	s.update(true, s.write("target.md", strings.Replace(src("Target", "2026-01-02"), "date:", "slug: renamed\ndate:", 1)))
	check("target renamed", "https://blog.example.com/2026/01/renamed/", 0)
	if err := os.Remove(s.abs("target.md")); err != nil {
		t.Fatal(err)
	}
	s.update(true, s.abs("target.md"))
	check("target deleted", "https://blog.example.com/", 1)
	s.update(true, s.write("target.md", src("Target", "2026-01-02")))
	check("target back", "https://blog.example.com/2026/01/target/", 0)
	if linking() == first {
		t.Error("the linking post is the one of the first snapshot")
	}
}
