package publish

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/feed"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/templates"
)

// pubSite is a site folder with a publisher over it.
type pubSite struct {
	t   *testing.T
	dir string
	pub *Publisher
}

func newPubSite(t *testing.T, posts map[string]string) *pubSite {
	t.Helper()
	s := &pubSite{t: t, dir: t.TempDir()}
	for name, src := range posts {
		s.write(name, src)
	}
	var err error
	s.pub, err = New(Options{
		Posts:  post.Options{Dir: filepath.Join(s.dir, "posts"), BaseURL: "https://blog.example.com", Permalink: "/{year}/{month}/{slug}/", Location: time.UTC, SummaryWords: 60},
		Site:   feed.Site{Title: "T", BaseURL: "https://blog.example.com", PublicURL: "http://127.0.0.1:8080", Language: "en"},
		Feeds:  feed.Options{Limit: 20, Formats: []string{"rss", "atom", "json"}, PerTag: true, PerAuthor: true, Templates: templates.FS("")},
		OutDir: filepath.Join(s.dir, "out"), DataDir: filepath.Join(s.dir, "data"), Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.pub.LoadPosts(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *pubSite) write(name, src string) {
	s.t.Helper()
	p := filepath.Join(s.dir, "posts", name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		s.t.Fatal(err)
	}
	if s.pub != nil {
		s.pub.lib.Update([]string{p})
	}
}

// recorded reads the id record file.
func (s *pubSite) recorded() map[string]string {
	s.t.Helper()
	var ids map[string]string
	data, err := os.ReadFile(IDRecordPath(filepath.Join(s.dir, "data")))
	if err != nil {
		return nil
	}
	if err := json.Unmarshal(data, &ids); err != nil {
		s.t.Fatal(err)
	}
	return ids
}

func postSrc(date, extra string) string {
	return "---\ntitle: T\ndate: " + date + "\n" + extra + "---\nBody.\n"
}

// TestPublisherIDs publishes a site through a series of edits and checks
// the id warnings and the id record after each: only new and changed posts
// are recorded, warnings stand until the post pins its old id, and a future
// post is recorded when its date comes.
func TestPublisherIDs(t *testing.T) {
	const (
		idA     = "tag:blog.example.com,2026-01-01:/a"
		idLater = "tag:blog.example.com,2026-06-01:/later"
	)
	s := newPubSite(t, map[string]string{"a.md": postSrc("2026-01-01", ""), "later.md": postSrc("2026-06-01", "")})
	steps := []struct {
		name     string
		edit     func()
		now      string
		warnings []string // paths
		record   map[string]string
	}{
		{"first publish", func() {}, "2026-03-01", nil, map[string]string{"a.md": idA}},
		{"date moved: id would change", func() { s.write("a.md", postSrc("2026-02-01", "")) }, "2026-03-01", []string{"a.md"}, map[string]string{"a.md": idA}},
		{"warning stands", func() {}, "2026-03-01", []string{"a.md"}, map[string]string{"a.md": idA}},
		{"future post's date comes", func() {}, "2026-07-01", []string{"a.md"}, map[string]string{"a.md": idA, "later.md": idLater}},
		{"old id pinned", func() { s.write("a.md", postSrc("2026-02-01", "id: "+idA+"\n")) }, "2026-07-01", nil, map[string]string{"a.md": idA, "later.md": idLater}},
		{"pin removed again", func() { s.write("a.md", postSrc("2026-02-01", "")) }, "2026-07-01", []string{"a.md"}, map[string]string{"a.md": idA, "later.md": idLater}},
	}
	for _, st := range steps {
		st.edit()
		now, _ := time.Parse(time.DateOnly, st.now)
		r, err := s.pub.Publish(now)
		if err != nil {
			t.Fatalf("%s: publish: %v", st.name, err)
		}
		var got []string
		for _, w := range r.IDWarnings {
			got = append(got, w.Path)
		}
		if !slices.Equal(got, st.warnings) {
			t.Errorf("%s: warnings for %v, want %v", st.name, got, st.warnings)
		}
		if rec := s.recorded(); !maps.Equal(rec, st.record) {
			t.Errorf("%s: record %v, want %v", st.name, rec, st.record)
		}
	}
}
