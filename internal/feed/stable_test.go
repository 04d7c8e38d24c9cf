package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/post"
)

func TestBuildIsByteStable(t *testing.T) {
	first := buildFixture(t, awkwardFixture())
	second := buildFixture(t, awkwardFixture())
	if len(first) != len(second) {
		t.Fatalf("%d files, then %d", len(first), len(second))
	}
	for i := range first {
		if first[i].Path != second[i].Path || !bytes.Equal(first[i].Data, second[i].Data) {
			t.Errorf("%s differs between two builds of the same posts", first[i].Path)
		}
	}
}

// ids extracts the item ids of an RSS, Atom or JSON feed in document order.
func ids(t *testing.T, f File) []string {
	t.Helper()
	var out []string
	dec := xml.NewDecoder(bytes.NewReader(f.Data))
	if strings.HasSuffix(f.Path, ".json") {
		for _, line := range strings.Split(string(f.Data), "\n") {
			if id, ok := strings.CutPrefix(strings.TrimSpace(line), `"id": `); ok {
				out = append(out, strings.TrimSuffix(id, ","))
			}
		}
		return out
	}
	for {
		tok, err := dec.Token()
		if err != nil && strings.HasSuffix(f.Path, "atom.xml") {
			return out[1:] // the first is the feed's own id
		}
		if err != nil {
			return out
		}
		if se, ok := tok.(xml.StartElement); ok && (se.Name.Local == "guid" || (se.Name.Local == "id" && se.Name.Space == nsAtom)) {
			var s string
			dec.DecodeElement(&s, &se)
			out = append(out, s)
		}
	}
}

func TestIDsSurviveEdits(t *testing.T) {
	fx := awkwardFixture()
	before := byPath(buildFixture(t, fx))
	edited := fixture{content: map[string][2]string{}}
	for _, p := range fx.posts {
		q := *p
		q.Title = "Renamed " + p.Title
		q.Tags = append(slicesClone(p.Tags), "extra")
		edited.posts = append(edited.posts, &q)
		edited.content[p.ID] = [2]string{"<p>new body</p>", "new summary"}
	}
	after := byPath(buildFixture(t, edited))
	for _, name := range []string{"rss.xml", "atom.xml", "feed.json"} {
		b, a := ids(t, before[name]), ids(t, after[name])
		if len(b) != len(fx.posts) || fmt.Sprint(b) != fmt.Sprint(a) {
			t.Errorf("%s ids changed with title, body and tags:\n before %q\n after  %q", name, b, a)
		}
	}
	if !bytes.Contains(after["rss.xml"].Data, []byte("new body")) {
		t.Error("the edited body is not in the rebuilt feed")
	}
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// TestIncrementalMatchesCold edits, adds and removes posts through one
// Builder and compares each result with a fresh Builder's, and checks that
// untouched feeds come back as the very same slices.
func TestIncrementalMatchesCold(t *testing.T) {
	fx := awkwardFixture()
	b := newTestBuilder(t, testSite(), Options{PerTag: true, PerAuthor: true, Limit: 3}, fx)
	if _, err := b.Build(fx.posts); err != nil {
		t.Fatal(err)
	}
	edit := *fx.posts[2] // arabic: only in the site feed (limit 3), tags/عربي and authors/omar
	edit.Title = "عنوان جديد"
	retag := edit
	retag.Tags = []string{"go"}
	second := *fx.posts[0]
	second.Title = "Second edit"
	body := retag // a new version with the same fields: an edit of the body
	steps := []struct {
		name      string
		posts     []*post.Post
		unchanged []string
		fullScan  bool // the post list changed shape, so selection starts over
	}{
		{"same input", fx.posts, []string{"rss.xml", "tags/go/atom.xml", "authors/alice/feed.json"}, false},
		{"one edit", replaceAt(fx.posts, 2, &edit), []string{"tags/go/rss.xml", "authors/alice/rss.xml"}, false},
		{"two edits", replaceAt(replaceAt(fx.posts, 2, &edit), 0, &second), []string{"tags/عربي/rss.xml", "tags/xml/feed.json"}, false},
		{"post removed", replaceAt(fx.posts, 2, &edit)[1:], []string{"tags/عربي/rss.xml", "authors/omar/atom.xml"}, true},
		{"post added back", replaceAt(fx.posts, 2, &edit), nil, true},
		{"retagged", replaceAt(fx.posts, 2, &retag), []string{"tags/xml/rss.xml"}, true},
		{"body edit", replaceAt(fx.posts, 2, &body), []string{"tags/xml/rss.xml", IndexPath}, false},
	}
	prev := byPath(mustBuild(t, b, fx.posts))
	for _, s := range steps {
		scans := b.fullScans
		got := mustBuild(t, b, s.posts)
		if full := b.fullScans > scans; full != s.fullScan {
			t.Errorf("%s: full selection pass %v, want %v", s.name, full, s.fullScan)
		}
		cold := buildWith(t, fixture{posts: s.posts, content: fx.content}, Options{PerTag: true, PerAuthor: true, Limit: 3})
		if fmt.Sprint(paths(got)) != fmt.Sprint(paths(cold)) {
			t.Fatalf("%s: files %v, a cold build has %v", s.name, paths(got), paths(cold))
		}
		for i := range got {
			if !bytes.Equal(got[i].Data, cold[i].Data) {
				t.Errorf("%s: %s differs from a cold build", s.name, got[i].Path)
			}
		}
		now := byPath(got)
		for _, p := range s.unchanged {
			if &now[p].Data[0] != &prev[p].Data[0] {
				t.Errorf("%s: %s was rendered again though its posts did not change", s.name, p)
			}
		}
		prev = now
	}
}

func replaceAt(ps []*post.Post, i int, p *post.Post) []*post.Post {
	out := append([]*post.Post(nil), ps...)
	out[i] = p
	return out
}

func mustBuild(t *testing.T, b *Builder, ps []*post.Post) []File {
	t.Helper()
	files, err := b.Build(ps)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func buildWith(t *testing.T, fx fixture, opts Options) []File {
	t.Helper()
	return mustBuild(t, newTestBuilder(t, testSite(), opts, fx), fx.posts)
}

func paths(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

func TestOptions(t *testing.T) {
	fx := awkwardFixture()
	cases := []struct {
		name string
		opts Options
		site func(*Site)
		want []string
	}{
		{"defaults", Options{}, nil, []string{"atom.xml", "feed.json", "index.html", "rss.xml", "style.xsl"}},
		{"atom only, no stylesheet", Options{Formats: []string{"atom"}}, func(s *Site) { s.Stylesheet = false }, []string{"atom.xml"}},
		{"per author json", Options{Formats: []string{"json"}, PerAuthor: true}, func(s *Site) { s.Stylesheet = false },
			[]string{"authors/alice/feed.json", "authors/omar/feed.json", "feed.json"}},
		{"per tag rss", Options{Formats: []string{"rss"}, PerTag: true}, func(s *Site) { s.Stylesheet = false },
			[]string{"rss.xml", "tags/go/rss.xml", "tags/xml/rss.xml", "tags/عربي/rss.xml"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			site := testSite()
			if c.site != nil {
				c.site(&site)
			}
			b := newTestBuilder(t, site, c.opts, fx)
			if got := paths(mustBuild(t, b, fx.posts)); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("files %q, want %q", got, c.want)
			}
		})
	}
}

func TestLimit(t *testing.T) {
	fx := awkwardFixture()
	files := byPath(buildWith(t, fx, Options{Limit: 2, PerTag: true}))
	if got := ids(t, files["rss.xml"]); fmt.Sprint(got) != fmt.Sprint([]string{"control", "cdata"}) {
		t.Errorf("site feed ids %q, want the newest two", got)
	}
	// "Go" and "go" share tags/go; the post tagged with both appears once.
	if got := ids(t, files["tags/go/rss.xml"]); len(got) != 2 || got[0] != "control" {
		t.Errorf("tags/go ids %q", got)
	}
}

func TestEmptySite(t *testing.T) {
	files := byPath(buildWith(t, fixture{}, Options{}))
	for _, name := range []string{"rss.xml", "atom.xml", "feed.json"} {
		if len(files[name].Data) == 0 || !files[name].Modified.IsZero() {
			t.Errorf("%s: empty site gives %d bytes, modified %v", name, len(files[name].Data), files[name].Modified)
		}
	}
	if !bytes.Contains(files["feed.json"].Data, []byte(`"items": [`)) {
		t.Error("JSON Feed without an items array")
	}
}

func TestNewBuilderRejectsBadSettings(t *testing.T) {
	cases := []struct {
		name string
		site func(*Site)
		opts Options
		want string
	}{
		{"no title", func(s *Site) { s.Title = "" }, Options{}, "site title is empty"},
		{"relative base url", func(s *Site) { s.BaseURL = "/blog/" }, Options{}, `base url "/blog/" is not an absolute`},
		{"ftp public url", func(s *Site) { s.PublicURL = "ftp://example.com" }, Options{}, `public url "ftp://example.com"`},
		{"bad hub", func(s *Site) { s.Hub = "hub" }, Options{}, `hub url "hub"`},
		{"bad icon", func(s *Site) { s.Icon = "%zz" }, Options{}, `icon url "%zz"`},
		{"negative limit", nil, Options{Limit: -1}, "limit -1 is negative"},
		{"unknown format", nil, Options{Formats: []string{"rss", "rdf"}}, `unknown format "rdf"`},
		{"missing stylesheet", nil, Options{Templates: emptyFS{}}, "reading stylesheet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			site := testSite()
			if c.site != nil {
				c.site(&site)
			}
			_, err := NewBuilder(site, c.opts)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want ErrInvalid mentioning %q", err, c.want)
			}
		})
	}
}
