package post_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
)

func TestFrontMatterAsRealSitesWriteIt(t *testing.T) {
	tests := []struct {
		name, src        string
		tags, categories []string
		date, updated    time.Time
		expires          time.Time
		draft            bool
	}{
		{name: "jekyll category string", src: "---\ntitle: T\ndate: 2026-01-01\ncategory: Release Notes\n---\n",
			categories: []string{"Release Notes"}},
		{name: "jekyll category list", src: "---\ntitle: T\ndate: 2026-01-01\ncategory: [a, b]\n---\n",
			categories: []string{"a", "b"}},
		{name: "category wins over categories, as in Jekyll", src: "---\ntitle: T\ndate: 2026-01-01\ncategory: one\ncategories: two three\n---\n",
			categories: []string{"one"}},
		{name: "categories space-separated", src: "---\ntitle: T\ndate: 2026-01-01\ncategories: news go\n---\n",
			categories: []string{"news", "go"}},
		{name: "tags a string", src: "---\ntitle: T\ndate: 2026-01-01\ntags: go feeds\n---\n",
			tags: []string{"go", "feeds"}},
		{name: "jekyll tag", src: "---\ntitle: T\ndate: 2026-01-01\ntag: release\n---\n",
			tags: []string{"release"}},
		{name: "long dash opener", src: "------\ntitle: T\ndate: 2026-01-01\n------\nBody\n"},
		{name: "publishDate alone", src: "---\ntitle: T\npublishDate: 2026-01-01\n---\n"},
		{name: "later publishDate dates the post", src: "---\ntitle: T\ndate: 2025-06-01\npublishDate: 2026-01-01\n---\n"},
		{name: "earlier publishDate keeps date", src: "---\ntitle: T\ndate: 2026-01-01\npublishDate: 2025-01-01\n---\n"},
		{name: "lastmod and expiryDate", src: "---\ntitle: T\ndate: 2026-01-01\nlastmod: 2026-02-01\nexpiryDate: 2027-01-01\n---\n",
			updated: time.Date(2026, 2, 1, 0, 0, 0, 0, eastern), expires: time.Date(2027, 1, 1, 0, 0, 0, 0, eastern)},
		{name: "jekyll last_modified_at", src: "---\ntitle: T\ndate: 2026-01-01\nlast_modified_at: 2026-03-01\n---\n",
			updated: time.Date(2026, 3, 1, 0, 0, 0, 0, eastern)},
		{name: "jekyll published false", src: "---\ntitle: T\ndate: 2026-01-01\npublished: false\n---\n", draft: true},
		{name: "toml expiryDate", src: "+++\ntitle = \"T\"\ndate = 2026-01-01\nexpiryDate = 2026-06-01T00:00:00Z\n+++\n",
			expires: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, "blog/p.md", tt.src, testOptions())
			want := time.Date(2026, 1, 1, 0, 0, 0, 0, eastern)
			if !p.Date.Equal(want) {
				t.Errorf("Date = %v, want %v", p.Date, want)
			}
			if !slices.Equal(p.Tags, tt.tags) || !slices.Equal(p.Categories, tt.categories) {
				t.Errorf("tags %q categories %q, want %q %q", p.Tags, p.Categories, tt.tags, tt.categories)
			}
			if !p.Updated.Equal(tt.updated) || !p.Expires.Equal(tt.expires) || p.Draft != tt.draft {
				t.Errorf("updated %v expires %v draft %v, want %v %v %v", p.Updated, p.Expires, p.Draft, tt.updated, tt.expires, tt.draft)
			}
		})
	}
}

func TestExpiredPostsAreNotPublished(t *testing.T) {
	p := mustParse(t, "p.md", "---\ntitle: T\ndate: 2026-01-01T00:00:00Z\nexpiryDate: 2026-02-01T00:00:00Z\n---\n", testOptions())
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		if got := p.Published(c.now); got != c.want {
			t.Errorf("Published(%v) = %v, want %v", c.now, got, c.want)
		}
	}
}

func TestPagesAreNotPosts(t *testing.T) {
	hugo := &post.Site{Generator: post.Hugo}
	hugoPosts := &post.Site{Generator: post.Hugo, Prefix: "posts"}
	jekyll := &post.Site{Generator: post.Jekyll}
	jekyllPosts := &post.Site{Generator: post.Jekyll, Prefix: "_posts"}
	tests := []struct {
		name, rel, src string
		site           *post.Site
		page           bool
	}{
		{"type page", "blog/a.md", "---\ntitle: About\ndate: 2026-01-01\ntype: page\n---\n", nil, true},
		{"layout page", "blog/a.md", "---\ntitle: About\ndate: 2026-01-01\nlayout: page\n---\n", nil, true},
		{"layout post", "blog/a.md", "---\ntitle: A post\ndate: 2026-01-01\nlayout: post\n---\n", nil, false},
		{"hugo build list never", "blog/a.md", "---\ntitle: T\ndate: 2026-01-01\nbuild:\n  list: never\n---\n", nil, true},
		{"hugo _build list false", "blog/a.md", "+++\ntitle = \"T\"\ndate = 2026-01-01\n[_build]\nlist = false\n+++\n", nil, true},
		{"hugo build render never", "blog/a.md", "---\ntitle: T\ndate: 2026-01-01\nbuild:\n  render: never\n---\n", nil, true},
		{"hugo build list always", "blog/a.md", "---\ntitle: T\ndate: 2026-01-01\nbuild:\n  list: always\n---\n", nil, false},
		{"hugo headless bundle", "blog/b/index.md", "---\ntitle: T\ndate: 2026-01-01\nheadless: true\n---\n", nil, true},
		{"hugo undated page under content", "about.md", "---\ntitle: About\n---\n", hugo, true},
		{"hugo undated bundle under content", "about/index.md", "---\ntitle: About\n---\n", hugo, true},
		{"hugo dated page under content is a post", "hello.md", "---\ntitle: Hi\ndate: 2026-01-01\n---\n", hugo, false},
		{"hugo undated page in a section is an error", "posts/a.md", "---\ntitle: A\n---\n", hugo, false},
		{"hugo posts folder: undated is an error", "a.md", "---\ntitle: A\n---\n", hugoPosts, false},
		{"jekyll page outside _posts", "about.md", "---\ntitle: About\n---\n", jekyll, true},
		{"jekyll post in _posts", "_posts/2026-01-01-a.md", "---\ntitle: A\n---\n", jekyll, false},
		{"jekyll post in a category's _posts", "news/_posts/2026-01-01-a.md", "---\ntitle: A\n---\n", jekyll, false},
		{"jekyll draft", "_drafts/a.md", "---\ntitle: A\n---\n", jekyll, true},
		{"jekyll _posts as the posts folder", "2026-01-01-a.md", "---\ntitle: A\n---\n", jekyllPosts, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.Site = tt.site
			_, err := post.Parse(tt.rel, []byte(tt.src), opts)
			if got := errors.Is(err, post.ErrNotPost); got != tt.page {
				t.Errorf("Parse error = %v, want a page: %v", err, tt.page)
			}
		})
	}
}
