package feed

import (
	"bytes"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
	"github.com/mmcdole/gofeed"
)

// TestRoundTrip parses every produced feed with a third-party parser and
// checks that what went in comes out: titles, links, ids, dates, authors,
// categories and content, on posts with awkward text.
func TestRoundTrip(t *testing.T) {
	fx := awkwardFixture()
	for _, f := range buildFixture(t, fx) {
		if !IsFeed(f.Path) {
			continue
		}
		t.Run(f.Path, func(t *testing.T) {
			got, err := gofeed.NewParser().Parse(bytes.NewReader(f.Data))
			if err != nil {
				t.Fatalf("gofeed cannot parse %s: %v\n%s", f.Path, err, f.Data)
			}
			checkFeedHeader(t, f, got)
			if got.FeedType != "json" && bytes.Contains(f.Data, []byte("]]> c {")) {
				t.Errorf("%s holds an unsplit ]]> in CDATA", f.Path)
			}
			if bytes.ContainsAny(f.Data, "\x00\x07\x0b") {
				t.Errorf("%s holds a control character", f.Path)
			}
			want := expectedPosts(fx.posts, f.Path)
			if len(got.Items) != len(want) {
				t.Fatalf("%d items, want %d", len(got.Items), len(want))
			}
			for i, p := range want {
				checkItem(t, got.FeedType, got.Items[i], p, fx)
			}
		})
	}
}

func checkFeedHeader(t *testing.T, f File, got *gofeed.Feed) {
	t.Helper()
	site := testSite()
	if !strings.HasPrefix(got.Title, site.Title) {
		t.Errorf("feed title %q does not start with the site title %q", got.Title, site.Title)
	}
	self := "https://feeds.example.com" + (&url.URL{Path: "/feeds/" + f.Path}).EscapedPath()
	if got.FeedLink != self {
		t.Errorf("feed self link %q, want %q", got.FeedLink, self)
	}
	if got.Link != site.BaseURL {
		t.Errorf("feed link %q, want %q", got.Link, site.BaseURL)
	}
	if got.Language != site.Language {
		t.Errorf("feed language %q, want %q", got.Language, site.Language)
	}
}

// expectedPosts selects, independently of the code under test, the posts a
// feed at path should list.
func expectedPosts(all []*post.Post, path string) []*post.Post {
	dir, _, _ := strings.Cut(path, "/")
	var out []*post.Post
	for _, p := range all {
		switch {
		case !strings.Contains(path, "/"):
			out = append(out, p)
		case dir == "tags" && slices.ContainsFunc(p.Tags, func(tag string) bool { return strings.Contains(path, "/"+post.Slugify(tag)+"/") }):
			out = append(out, p)
		case dir == "authors" && slices.ContainsFunc(p.Authors, func(a post.Author) bool { return strings.Contains(path, "/"+a.Key+"/") }):
			out = append(out, p)
		}
	}
	return out
}

func checkItem(t *testing.T, kind string, it *gofeed.Item, p *post.Post, fx fixture) {
	t.Helper()
	html, summary := fx.contentFunc(p)
	wantID := clean(p.ID)
	if kind == "atom" {
		wantID = atomID(wantID)
	}
	checks := []struct{ what, got, want string }{
		{"title", it.Title, clean(p.Title)},
		{"link", it.Link, p.Permalink},
		{"id", it.GUID, wantID},
		{"content", it.Content, clean(html)},
		{"summary", it.Description, clean(summary)},
		{"categories", strings.Join(it.Categories, "|"), strings.Join(cleanAll(wantTerms(p)), "|")},
		{"authors", itemAuthors(kind, it), authorNames(p.Authors)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s item %q: %s %q, want %q", kind, p.ID, c.what, c.got, c.want)
		}
	}
	checkTime(t, "published", it.PublishedParsed, p.Date)
	if kind == "atom" || (kind == "json" && p.Updated.After(p.Date)) {
		checkTime(t, "updated", it.UpdatedParsed, updated(p))
	}
}

func checkTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want) {
		t.Errorf("%s %v, want %v", what, got, want)
	}
}

// itemAuthors lists an item's author names; gofeed keeps only the first
// author of an RSS item, so the dc:creator elements are read directly.
func itemAuthors(kind string, it *gofeed.Item) string {
	if kind == "rss" && it.DublinCoreExt != nil && len(it.DublinCoreExt.Creator) > 0 {
		return strings.Join(it.DublinCoreExt.Creator, "|")
	}
	var names []string
	for _, p := range it.Authors {
		names = append(names, p.Name)
	}
	return strings.Join(names, "|")
}

func authorNames(as []post.Author) string {
	var names []string
	for _, a := range as {
		names = append(names, clean(displayName(a)))
	}
	return strings.Join(names, "|")
}

// wantTerms is what an item should list as categories: the tags, then the
// categories that are not tags.
func wantTerms(p *post.Post) []string {
	out := append([]string(nil), p.Tags...)
	for _, c := range p.Categories {
		if !slices.Contains(p.Tags, c) {
			out = append(out, c)
		}
	}
	return out
}
