package feed

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
)

// TestSameView: the HTML view is rendered again only when what it shows
// changed: the feeds, their titles, and the title, link and day of the
// posts it lists.
func TestSameView(t *testing.T) {
	var posts []*post.Post
	for i := range 8 {
		posts = append(posts, &post.Post{Title: "Post", Permalink: "https://example.com/" + string(rune('a'+i)) + "/",
			Date: utc("2026-11-20T09:00:00Z").Add(-time.Duration(i) * 24 * time.Hour)})
	}
	site := &spec{dir: "", title: "Site", posts: posts}
	tag := &spec{dir: "tags/go", title: "Go", posts: posts}
	old := []*spec{site, tag}
	edited := func(i int, change func(p *post.Post)) []*post.Post {
		p := *posts[i]
		change(&p)
		return replaceAt(posts, i, &p)
	}
	with := func(s *spec, ps []*post.Post) *spec { c := *s; c.posts = ps; return &c }
	tests := []struct {
		name  string
		specs []*spec
		same  bool
	}{
		{"the same specs", old, true},
		{"a body edit (a new post, same listing)", []*spec{with(site, edited(0, func(*post.Post) {})), with(tag, edited(0, func(*post.Post) {}))}, true},
		{"a later hour the same day", []*spec{with(site, edited(1, func(p *post.Post) { p.Date = p.Date.Add(time.Hour) })), tag}, true},
		{"a title edit", []*spec{with(site, edited(0, func(p *post.Post) { p.Title = "New" })), tag}, false},
		{"a new permalink", []*spec{site, with(tag, edited(2, func(p *post.Post) { p.Permalink += "x/" }))}, false},
		{"another day", []*spec{with(site, edited(3, func(p *post.Post) { p.Date = p.Date.Add(-24 * time.Hour) })), tag}, false},
		{"a title edit past a tag's listing", []*spec{site, with(tag, edited(indexTopicPosts, func(p *post.Post) { p.Title = "New" }))}, true},
		{"a title edit in the site's listing", []*spec{with(site, edited(indexTopicPosts, func(p *post.Post) { p.Title = "New" })), tag}, false},
		{"a post more", []*spec{with(site, append([]*post.Post{posts[7]}, posts...)), tag}, false},
		{"a feed retitled", []*spec{site, {dir: "tags/go", title: "Golang", posts: posts}}, false},
		{"a feed more", []*spec{site, tag, {dir: "tags/xml", title: "XML"}}, false},
		{"a feed less", []*spec{site}, false},
		{"another feed in its place", []*spec{site, {dir: "authors/go", title: "Go", posts: posts}}, false},
	}
	for _, tt := range tests {
		if got := sameView(old, tt.specs); got != tt.same {
			t.Errorf("%s: sameView = %t, want %t", tt.name, got, tt.same)
		}
	}
	if sameView(nil, nil) {
		t.Error("sameView(nil, nil): a Builder that never rendered the view must render it")
	}
}

// TestBuildToRewritesTheViewOnlyWhenItChanges: an edit of a post's body
// changes its feeds (new bytes, mtime and sum) but not the HTML view,
// which BuildTo neither renders nor writes again (same bytes and mtime);
// a title edit renders and writes it, as a cold build has it.
func TestBuildToRewritesTheViewOnlyWhenItChanges(t *testing.T) {
	f := longFixture()
	dir := t.TempDir()
	clock := utc("2026-12-01T10:00:00Z")
	w := NewWriter(dir)
	w.SetClock(func() time.Time { return clock })
	opts := Options{PerTag: true, PerAuthor: true}
	b := newTestBuilder(t, testSite(), opts, f)
	first := buildTo(t, b, f.posts, w)
	start := clock
	view := readOut(t, dir, IndexPath)
	renders := b.viewRenders

	clock = clock.Add(time.Minute)
	body := *f.posts[0] // "control": in the site feed, tags/go and authors/alice
	f.content[body.ID] = [2]string{f.content[body.ID][0] + "<p>One sentence more.</p>", f.content[body.ID][1]}
	posts := replaceAt(f.posts, 0, &body)
	second := buildTo(t, b, posts, w)
	if b.viewRenders != renders {
		t.Errorf("a body edit rendered the view again (%d renders, want %d)", b.viewRenders, renders)
	}
	if got := readOut(t, dir, IndexPath); !bytes.Equal(got, view) {
		t.Error("a body edit changed index.html")
	}
	if m := mtime(t, filepath.Join(dir, IndexPath)); !m.Equal(start) || !second[IndexPath].Modified.Equal(start) {
		t.Errorf("index.html mtime %v, Modified %v after a body edit; want %v, when its bytes last changed", m, second[IndexPath].Modified, start)
	}
	for _, p := range []string{"rss.xml", "tags/go/atom.xml", "authors/alice/feed.json"} {
		if m := mtime(t, filepath.Join(dir, p)); !m.Equal(clock) || !second[p].Modified.Equal(clock) || second[p].Sum == first[p].Sum {
			t.Errorf("%s after a body edit: mtime %v, Modified %v, sum changed %t; want %v and a new sum", p, m, second[p].Modified, second[p].Sum != first[p].Sum, clock)
		}
	}
	if m := mtime(t, filepath.Join(dir, "tags/xml/rss.xml")); !m.Equal(start) || second["tags/xml/rss.xml"].Sum != first["tags/xml/rss.xml"].Sum {
		t.Errorf("tags/xml/rss.xml, without the edited post: mtime %v, want %v, and the same sum", m, start)
	}
	sameAsCold(t, dir, fixture{posts: posts, content: f.content}, opts)

	clock = clock.Add(time.Minute)
	retitled := body
	retitled.Title = "A title edit"
	posts = replaceAt(posts, 0, &retitled)
	third := buildTo(t, b, posts, w)
	if b.viewRenders != renders+1 {
		t.Errorf("a title edit: %d renders of the view, want %d", b.viewRenders, renders+1)
	}
	if got := readOut(t, dir, IndexPath); bytes.Equal(got, view) || !bytes.Contains(got, []byte("A title edit")) {
		t.Error("a title edit did not reach index.html")
	}
	if m := mtime(t, filepath.Join(dir, IndexPath)); !m.Equal(clock) || !third[IndexPath].Modified.Equal(clock) || third[IndexPath].Sum == second[IndexPath].Sum {
		t.Errorf("index.html after a title edit: mtime %v, Modified %v; want %v and a new sum", m, third[IndexPath].Modified, clock)
	}
	sameAsCold(t, dir, fixture{posts: posts, content: f.content}, opts)
}

func buildTo(t *testing.T, b *Builder, posts []*post.Post, w *Writer) map[string]File {
	t.Helper()
	files, _, err := b.BuildTo(posts, w)
	if err != nil {
		t.Fatalf("BuildTo: %v", err)
	}
	return byPath(files)
}

func readOut(t *testing.T, dir, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sameAsCold fails the test unless every file a cold Build of fx makes is
// in dir with the same bytes.
func sameAsCold(t *testing.T, dir string, fx fixture, opts Options) {
	t.Helper()
	cold := buildWith(t, fx, opts)
	if len(cold) == 0 || !slices.ContainsFunc(cold, func(f File) bool { return f.Path == IndexPath }) {
		t.Fatal("a cold build made no HTML view")
	}
	for _, f := range cold {
		if got := readOut(t, dir, f.Path); !bytes.Equal(got, f.Data) {
			t.Errorf("%s differs from a cold build's", f.Path)
		}
	}
}
