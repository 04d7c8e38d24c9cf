package post_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
)

var (
	eastern = time.FixedZone("EST", -5*3600)
	authors = map[string]post.Author{
		"mike":   {Key: "mike", Name: "Mike"},
		"sarah":  {Key: "sarah", Name: "Sarah"},
		"andrew": {Name: "Andrew"}, // Key filled in from the map key
	}
)

func testOptions() post.Options {
	return post.Options{
		Dir: "posts", BaseURL: "https://blog.example.com/", Permalink: "/{year}/{month}/{slug}/",
		Location: eastern, Authors: authors, SummaryWords: 5,
	}
}

func mustParse(t *testing.T, rel, src string, opts post.Options) *post.Post {
	t.Helper()
	p, err := post.Parse(rel, []byte(src), opts)
	if err != nil {
		t.Fatalf("Parse(%s): %v", rel, err)
	}
	return p
}

func authorKeys(p *post.Post) []string {
	var keys []string
	for _, a := range p.Authors {
		keys = append(keys, a.Key)
	}
	return keys
}

func TestParseFrontMatter(t *testing.T) {
	tests := []struct {
		name, rel, src             string
		title, slug, id, permalink string
		date, updated              time.Time
		authors, tags, categories  []string
		draft                      bool
	}{
		{
			name: "hugo yaml", rel: "blog/first.md",
			src:   "---\ntitle: First post\ndate: 2026-11-25T10:00:00-05:00\nlastmod: 2026-11-26\nauthor: mike\ntags: [go, feeds]\ncategories:\n  - news\ndraft: true\n---\nBody\n",
			title: "First post", slug: "first", id: "tag:blog.example.com,2026-11-25:/first",
			permalink: "https://blog.example.com/2026/11/first/",
			date:      time.Date(2026, 11, 25, 10, 0, 0, 0, eastern), updated: time.Date(2026, 11, 26, 0, 0, 0, 0, eastern),
			authors: []string{"mike"}, tags: []string{"go", "feeds"}, categories: []string{"news"}, draft: true,
		},
		{
			name: "toml with native dates", rel: "note.md",
			src:   "+++\ntitle = \"TOML note\"\ndate = 2026-11-25T08:30:00Z\nupdated = 2026-12-01\nauthors = [\"sarah\", \"andrew\"]\nslug = \"custom\"\nid = \"urn:x:1\"\n+++\nBody\n",
			title: "TOML note", slug: "custom", id: "urn:x:1", permalink: "https://blog.example.com/2026/11/custom/",
			date:    time.Date(2026, 11, 25, 8, 30, 0, 0, time.UTC),
			updated: time.Date(2026, 12, 1, 0, 0, 0, 0, eastern), authors: []string{"sarah", "andrew"},
		},
		{
			name: "jekyll file name gives date and slug", rel: "_posts/2026-11-20-Hello-World.md",
			src:   "---\ntitle: Hello\ntags: jekyll style tags\n---\nBody\n",
			title: "Hello", slug: "hello-world", id: "tag:blog.example.com,2026-11-20:/hello-world",
			permalink: "https://blog.example.com/2026/11/hello-world/", date: time.Date(2026, 11, 20, 0, 0, 0, 0, eastern),
			tags: []string{"jekyll", "style", "tags"},
		},
		{
			name: "bundle takes the folder name", rel: "blog/My Bundle/index.md",
			src:   "---\ntitle: Bundle\ndate: 2026-01-02 15:04\n---\n",
			title: "Bundle", slug: "my-bundle", id: "tag:blog.example.com,2026-01-02:/my-bundle",
			permalink: "https://blog.example.com/2026/01/my-bundle/", date: time.Date(2026, 1, 2, 15, 4, 0, 0, eastern),
		},
		{
			name: "front matter date wins over the file name", rel: "2020-01-01-old.md",
			src:   "---\ntitle: T\ndate: \"2026-03-04 05:06:07 +0100\"\n---\n",
			title: "T", slug: "old", id: "tag:blog.example.com,2026-03-03:/old",
			permalink: "https://blog.example.com/2026/03/old/", date: time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("", 3600)),
		},
		{
			name: "both author keys and yes as true", rel: "x.md",
			src:   "---\ntitle: X\ndate: 2026-05-05\nauthor: mike\nauthors: [sarah]\ndraft: yes\n---\n",
			title: "X", slug: "x", id: "tag:blog.example.com,2026-05-05:/x", permalink: "https://blog.example.com/2026/05/x/",
			date: time.Date(2026, 5, 5, 0, 0, 0, 0, eastern), authors: []string{"mike", "sarah"}, draft: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.rel, tt.src, testOptions())
			got := []string{p.Path, p.Title, p.Slug, p.ID, p.Permalink}
			want := []string{tt.rel, tt.title, tt.slug, tt.id, tt.permalink}
			if !slices.Equal(got, want) {
				t.Errorf("path, title, slug, id, permalink:\n got %q\nwant %q", got, want)
			}
			if !p.Date.Equal(tt.date) || !p.Updated.Equal(tt.updated) {
				t.Errorf("date, updated = %v, %v; want %v, %v", p.Date, p.Updated, tt.date, tt.updated)
			}
			if !slices.Equal(authorKeys(p), tt.authors) || !slices.Equal(p.Tags, tt.tags) || !slices.Equal(p.Categories, tt.categories) {
				t.Errorf("authors, tags, categories = %q %q %q; want %q %q %q", authorKeys(p), p.Tags, p.Categories, tt.authors, tt.tags, tt.categories)
			}
			if p.Draft != tt.draft {
				t.Errorf("draft = %v, want %v", p.Draft, tt.draft)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name, in string
		want     time.Time
	}{
		{"rfc3339", "2026-11-25T10:11:12Z", time.Date(2026, 11, 25, 10, 11, 12, 0, time.UTC)},
		{"rfc3339 with offset and fraction", "2026-11-25T10:11:12.5+02:00", time.Date(2026, 11, 25, 8, 11, 12, 5e8, time.UTC)},
		{"date only is local midnight", "2026-11-25", time.Date(2026, 11, 25, 0, 0, 0, 0, eastern)},
		{"minutes", "2026-11-25 10:11", time.Date(2026, 11, 25, 10, 11, 0, 0, eastern)},
		{"seconds with numeric offset", "2026-11-25 10:11:12 -0700", time.Date(2026, 11, 25, 17, 11, 12, 0, time.UTC)},
		{"T without offset", "2026-11-25T10:11:12", time.Date(2026, 11, 25, 10, 11, 12, 0, eastern)},
		{"surrounding space", "  2026-11-25 ", time.Date(2026, 11, 25, 0, 0, 0, 0, eastern)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := post.ParseDate(tt.in, eastern)
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "yesterday", "2026-13-01", "25/11/2026", "2026-11-25 25:00"} {
		if _, err := post.ParseDate(bad, eastern); err == nil || !strings.Contains(err.Error(), "bad date") {
			t.Errorf("ParseDate(%q) error = %v, want a bad date error", bad, err)
		}
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name, body, fm, want string
		words                int
	}{
		{"front matter summary wins", "First paragraph.\n", "summary: From the front matter.\n", "From the front matter.", 0},
		{"description when no summary", "Body.\n", "description: Described here.\n", "Described here.", 0},
		{"text before more", "# Intro\n\nOne *two*\nthree.\n\nFour.\n<!--more-->\nHidden.\n", "", "Intro One two three. Four.", 0},
		{"first paragraph", "## Heading\n\n```\ncode\n```\n\nThe **first** [paragraph](x) with `code`.\n\nSecond.\n", "", "The first paragraph with code.", 0},
		{"trimmed to words", "one two three four five six seven\n", "", "one two three…", 3},
		{"exactly the limit is not trimmed", "one two three\n", "", "one two three", 3},
		{"entities and escapes resolved", "A &amp; B \\*x\\* &copy; &#169; `&amp;`\n", "", "A & B *x* © © &amp;", 0},
		{"markdown in the front matter summary", "Body.\n", "summary: \"*Bold* claim & more\"\n", "Bold claim & more", 0},
		{"raw html left out", "Hello <b>bold</b> world.\n", "", "Hello bold world.", 0},
		{"empty body", "", "", "", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.SummaryWords = tt.words
			p := mustParse(t, "s.md", "---\ntitle: S\ndate: 2026-01-01\n"+tt.fm+"---\n"+tt.body, opts)
			if got := p.Summary(); got != tt.want {
				t.Errorf("Summary() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPermalink(t *testing.T) {
	tests := []struct{ name, pattern, rel, want string }{
		{"default", "", "a.md", "https://blog.example.com/2026/11/a/"},
		{"day and section", "/{section}/{year}/{month}/{day}/{slug}.html", "news/deep/a.md", "https://blog.example.com/news/2026/11/25/a.html"},
		{"empty section collapses", "/{section}/{slug}/", "a.md", "https://blog.example.com/a/"},
		{"bundle at top has no section", "/{section}/{slug}/", "a/index.md", "https://blog.example.com/a/"},
		{"bundle in a section", "/{section}/{slug}/", "blog/a/index.md", "https://blog.example.com/blog/a/"},
		{"non-ascii slug escaped", "/{slug}/", "café.md", "https://blog.example.com/caf%C3%A9/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.Permalink = tt.pattern
			// 23:30 in New York is already the 26th in UTC: the local day counts.
			p := mustParse(t, tt.rel, "---\ntitle: P\ndate: 2026-11-25T23:30:00-05:00\n---\n", opts)
			if p.Permalink != tt.want {
				t.Errorf("Permalink = %q, want %q", p.Permalink, tt.want)
			}
		})
	}
}

func TestOptionsCheck(t *testing.T) {
	tests := []struct {
		name string
		opts post.Options
		want string
	}{
		{"relative base url", post.Options{BaseURL: "/blog"}, "base url"},
		{"ftp base url", post.Options{BaseURL: "ftp://x.org"}, "base url"},
		{"unknown placeholder", post.Options{BaseURL: "https://x.org", Permalink: "/{title}/"}, "unknown placeholder"},
		{"unclosed brace", post.Options{BaseURL: "https://x.org", Permalink: "/{slug/"}, "unknown placeholder"},
		{"fine", post.Options{BaseURL: "https://x.org", Permalink: "/{section}/{slug}/"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Check()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Check() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestProblemPositions(t *testing.T) {
	tests := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"broken yaml", "---\ntitle: ok\ntags: [a, b\ndate: 2026-01-01\n---\n", 3, 1, "broken YAML"},
		{"yaml value with a colon", "---\ntitle: T\nsummary: a: b\n---\n", 3, 1, "mapping values are not allowed"},
		{"yaml bad indentation", "---\ntitle: T\ntags:\n  - x\n y: 2\n---\n", 5, 1, "broken YAML"},
		{"yaml unclosed quote", "---\ntitle: \"T\ndate: 2026-01-01\n---\n", 2, 8, "never closed"},
		{"yaml unclosed single quote after others", "---\ntitle: 'It''s'\ntags: [\"a\", 'b]\n---\n", 3, 13, "never closed"},
		{"bad date", "---\ntitle: T\ndate: 2026-02-30\n---\n", 3, 7, `bad date "2026-02-30"`},
		{"bad lastmod", "---\ntitle: T\ndate: 2026-02-03\nlastmod: soon\n---\n", 4, 10, "lastmod: bad date"},
		{"invalid utf-8 in the body", "---\ntitle: T\ndate: 2026-01-01\n---\nline one\nab\xffc\n", 6, 3, "invalid UTF-8"},
		{"missing title", "---\ndate: 2026-01-01\n---\nBody\n", 1, 1, "missing title"},
		{"empty title", "---\ntitle: \"\"\ndate: 2026-01-01\n---\n", 2, 8, "missing title"},
		{"missing date", "---\ntitle: T\n---\n", 1, 1, "missing date"},
		{"no front matter", "Just text\n", 1, 1, "missing front matter"},
		{"never closed", "---\ntitle: T\n", 1, 1, "never closed"},
		{"broken toml", "+++\ntitle = \"T\"\ndate = \n+++\n", 3, 8, "broken TOML"},
		{"toml bad date string", "+++\ntitle = \"T\"\n  date = \"someday\"\n+++\n", 3, 10, `bad date "someday"`},
		{"title is a list", "---\ntitle: [a]\ndate: 2026-01-01\n---\n", 2, 8, "title: want text"},
		{"draft not a bool", "---\ntitle: T\ndate: 2026-01-01\ndraft: maybe\n---\n", 4, 8, "want true or false"},
		{"tags a table", "---\ntitle: T\ndate: 2026-01-01\ntags: {a: b}\n---\n", 4, 7, "tags: want a list, not a table"},
		{"authors nested", "---\ntitle: T\ndate: 2026-01-01\nauthors: [[mike]]\n---\n", 4, 11, "want a name or a list of names"},
		{"date a list", "---\ntitle: T\ndate: [2026-01-01]\n---\n", 3, 7, "date: want a date"},
		{"toml table as title", "+++\ndate = 2026-01-01\n[title]\nx = 1\n+++\n", 3, 1, "title: want text"},
		{"toml author table without name", "+++\ntitle = \"T\"\ndate = 2026-01-01\n[author]\nemail = \"x@example.com\"\n+++\n", 4, 1, "author: want a name"},
		{"not a mapping", "---\n- a\n- b\n---\n", 2, 1, "not a mapping"},
		{"yaml date with a tab", "---\ntitle: T\ndate:\t2026-01-01\ndraft: nobody\n---\n", 4, 8, "want true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := post.Parse("dir/p.md", []byte(tt.src), testOptions())
			var prob post.Problem
			if !errors.As(err, &prob) {
				t.Fatalf("Parse error = %v (%T), want a Problem", err, err)
			}
			if prob.Path != "dir/p.md" || prob.Line != tt.line || prob.Col != tt.col || !strings.Contains(prob.Msg, tt.msg) {
				t.Errorf("got %v\nwant dir/p.md:%d:%d: …%s…", prob, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestForbiddenCharactersAreStripped(t *testing.T) {
	src := "---\ntitle: \"Bell\x07 and\x00 null\uFFFE\"\ndate: 2026-01-01\ntags: [a\x01b]\nsummary: s\x1Fum\n---\nBody\x0B text\uFFFF here.\n"
	p := mustParse(t, "c.md", src, testOptions())
	for name, got := range map[string]string{
		"title": p.Title, "tag": p.Tags[0], "summary": p.Summary(), "content": p.ContentHTML(),
	} {
		if strings.IndexFunc(got, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t') || r == 0xFFFE || r == 0xFFFF }) >= 0 {
			t.Errorf("%s %q still holds a forbidden character", name, got)
		}
	}
	if p.Title != "Bell and null" || p.Tags[0] != "ab" || !strings.Contains(p.ContentHTML(), "Body text here.") {
		t.Errorf("title %q, tag %q, content %q: text around the removed characters was lost", p.Title, p.Tags[0], p.ContentHTML())
	}
}

func TestContentHTML(t *testing.T) {
	body := "See [next](../next/), [top](/about/), [abs](https://x.org/), [frag](#a) and ![c](images/chart.png).\n\n" +
		"| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ www.example.org\n\n- [x] done\n\nNote[^1].\n\n[^1]: The note.\n\n" +
		"<div class=\"raw\">raw <a href=\"rel/\">x</a></div>\n\nInline <img src=\"a.png\" alt=\"A &amp; B\"> and <a href=\"https://y.org/\">y</a>.\n\n" +
		"<script>if (a < b) { x = \"<a href='s'>\" }</script>\n"
	p := mustParse(t, "blog/post/index.md", "---\ntitle: H\ndate: 2026-11-25\n---\n"+body, testOptions())
	html := p.ContentHTML()
	for _, want := range []string{
		`href="https://blog.example.com/2026/11/next/"`,
		`href="https://blog.example.com/about/"`,
		`href="https://x.org/"`,
		`href="https://blog.example.com/2026/11/post/#a"`,
		`src="https://blog.example.com/2026/11/post/images/chart.png"`,
		"<table>", "<del>gone</del>", `<a href="http://www.example.org">`, `type="checkbox"`,
		`class="footnotes"`, `<div class="raw">raw <a href="https://blog.example.com/2026/11/post/rel/">x</a></div>`,
		`<img src="https://blog.example.com/2026/11/post/a.png" alt="A &amp; B">`, `<a href="https://y.org/">y</a>`,
		`<script>if (a < b) { x = "<a href='s'>" }</script>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("ContentHTML lacks %s:\n%s", want, html)
		}
	}
	if again := p.ContentHTML(); again != html {
		t.Error("a second ContentHTML call gave a different result")
	}
}

func TestPostNotFromParseRendersEmpty(t *testing.T) {
	p := &post.Post{Title: "hand made"}
	if p.ContentHTML() != "" || p.Summary() != "" {
		t.Error("a Post built by hand should render empty, not panic")
	}
}

func TestYAMLAliasesAreNotExpanded(t *testing.T) {
	var b strings.Builder
	b.WriteString("---\ntitle: Laughs\ndate: 2026-01-01\na0: [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 30; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("tags: *a29\n---\n")
	src := strings.Replace(b.String(), "a0: [", "a0: &a0 [", 1)
	_, err := post.Parse("l.md", []byte(src), testOptions())
	if err == nil || !strings.Contains(err.Error(), "tags: want a list of words") {
		t.Errorf("Parse = %v, want a tags error", err)
	}
}
