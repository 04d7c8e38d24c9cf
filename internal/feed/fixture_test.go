package feed

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
)

// fixture content by post ID, standing in for the post package's renderer.
type fixture struct {
	posts   []*post.Post
	content map[string][2]string // ID -> html, summary
}

func (f fixture) contentFunc(p *post.Post) (string, string) {
	c := f.content[p.ID]
	return c[0], c[1]
}

var (
	alice = post.Author{Key: "alice", Name: "Alice Martin", Email: "alice@example.com", ShowEmail: true, URL: "https://example.com/about/alice/"}
	omar  = post.Author{Key: "omar", Name: "عمر الفاروق", Email: "omar@example.com", URL: "https://example.com/about/omar/"}
)

func testSite() Site {
	return Site{
		Title:       "Field & Notes",
		Description: "A blog about <things>",
		Language:    "en",
		Icon:        "/icon.png",
		BaseURL:     "https://example.com/",
		PublicURL:   "https://feeds.example.com",
		Hub:         "https://hub.example.com/",
		Stylesheet:  true,
		Authors:     map[string]post.Author{"alice": alice, "omar": omar},
	}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// awkwardFixture holds posts with content that trips feed writers: right to
// left and non-ASCII titles, markup characters, CDATA terminators, emoji,
// raw HTML and control characters. Newest first.
func awkwardFixture() fixture {
	mk := func(id, title, date, updated string, authors []post.Author, tags ...string) *post.Post {
		slug := id[strings.LastIndexByte(strings.TrimSuffix(id, "/"), '/')+1:]
		slug = strings.TrimSuffix(slug, "/")
		p := &post.Post{
			ID: id, Slug: slug, Title: title, Date: utc(date), Authors: authors, Tags: tags,
			Permalink: "https://example.com/2026/11/" + slug + "/",
		}
		if updated != "" {
			p.Updated = utc(updated)
		}
		return p
	}
	posts := []*post.Post{
		mk("control", "Bell\x07 and\x00 nul", "2026-11-20T09:00:00+01:00", "", []post.Author{alice}, "go"),
		mk("cdata", "Ends ]]> early", "2026-11-15T08:00:00Z", "2026-11-21T10:30:00Z", []post.Author{alice, omar}, "xml", "go"),
		mk("arabic", "مرحبا بالعالم", "2026-11-10T12:00:00+03:00", "", []post.Author{omar}, "عربي"),
		mk("hebrew", "שלום עולם 🎉", "2026-11-05T12:00:00Z", "2026-11-01T00:00:00Z", nil, "Go"), // lastmod before date
		mk("https://example.com/2026/11/amp/", "Fish & Chips <b>not bold</b>", "2026-11-01T00:00:00Z", "", []post.Author{alice}),
	}
	posts[1].Categories = []string{"Releases", "go"} // Jekyll and Hugo posts have both; "go" is a tag too
	content := map[string][2]string{
		"control":                          {"<p>bell\x07 here\x0b</p>", "bell\x07 here"},
		"cdata":                            {"<pre><code>if a[b[0]]> c { }</code></pre><p>x ]]> y</p>", "About ]]> and CDATA"},
		"arabic":                           {`<p dir="rtl">نص عربي</p>`, "نص عربي"},
		"hebrew":                           {"<p>emoji 🎉👩‍💻 &amp; more</p>", "emoji 🎉"},
		"https://example.com/2026/11/amp/": {`<div class="raw"><script>alert(1)</script><p>HTML in Markdown</p></div>`, "Fish & <chips>"},
	}
	return fixture{posts: posts, content: content}
}

func newTestBuilder(t testing.TB, site Site, opts Options, f fixture) *Builder {
	t.Helper()
	b, err := NewBuilder(site, opts)
	if err != nil {
		t.Fatalf("NewBuilder: %v", err)
	}
	b.content = f.contentFunc
	return b
}

func buildFixture(t testing.TB, f fixture) []File {
	t.Helper()
	b := newTestBuilder(t, testSite(), Options{PerTag: true, PerAuthor: true}, f)
	files, err := b.Build(f.posts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return files
}

// emptyFS is a templates folder with nothing in it.
type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) { return nil, fs.ErrNotExist }
