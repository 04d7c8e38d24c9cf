package feed

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"strings"

	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/templates"
)

// IndexPath is where the HTML view of the feeds lives, in the output
// folder (served at /feeds/) and, as feed/index.html, in the templates.
const IndexPath = "index.html"

// TypeHTML is the content type of IndexPath.
const TypeHTML = "text/html; charset=utf-8"

// IsFeed reports whether an output path is a feed, not the stylesheet or
// the HTML view: what a WebSub hub is told about.
func IsFeed(path string) bool { return path != StylesheetPath && path != IndexPath }

// indexPosts is how many of its newest posts the view lists for each feed:
// the site's, and a tag's or an author's.
const indexPosts, indexTopicPosts = 10, 5

// indexPage is what feed/index.html is executed with.
type indexPage struct {
	Title, Description, BaseURL, Lang string
	Site                              indexFeed
	Tags, Authors                     []indexFeed
}

type indexFeed struct {
	Title string
	Links []indexLink
	Posts []indexPost
}

type indexLink struct{ Label, Type, URL string }

type indexPost struct{ Title, URL, Date string }

func (c *config) readIndex(fsys fs.FS) error {
	if fsys == nil {
		fsys = templates.Embedded()
	}
	t, err := template.ParseFS(fsys, "feed/"+IndexPath)
	if err != nil {
		return fmt.Errorf("%w: reading the feeds view: %w", ErrInvalid, err)
	}
	c.index = t
	return nil
}

// renderIndex writes the HTML view of the feeds of specs.
func (c *config) renderIndex(specs []*spec) ([]byte, error) {
	page := indexPage{Title: clean(c.site.Title), Description: clean(c.site.Description),
		BaseURL: c.site.BaseURL, Lang: c.site.Language}
	for _, s := range specs {
		switch {
		case s.dir == "":
			page.Site = c.indexFeed(s)
		case strings.HasPrefix(s.dir, "tags/"):
			page.Tags = append(page.Tags, c.indexFeed(s))
		default:
			page.Authors = append(page.Authors, c.indexFeed(s))
		}
	}
	var buf bytes.Buffer
	if err := c.index.Execute(&buf, page); err != nil {
		return nil, fmt.Errorf("rendering the feeds view: %w", err)
	}
	return buf.Bytes(), nil
}

// formatLinks names each format for the view: its label and media type.
var formatLinks = map[string]indexLink{
	FormatRSS:  {Label: "RSS", Type: "application/rss+xml"},
	FormatAtom: {Label: "Atom", Type: "application/atom+xml"},
	FormatJSON: {Label: "JSON Feed", Type: "application/feed+json"},
}

func (c *config) indexFeed(s *spec) indexFeed {
	f := indexFeed{Title: clean(s.title)}
	for _, format := range c.formats {
		l := formatLinks[format]
		l.URL = c.selfURL(filePath(s, format))
		f.Links = append(f.Links, l)
	}
	for _, p := range viewPosts(s) {
		f.Posts = append(f.Posts, indexPost{Title: clean(p.Title), URL: p.Permalink, Date: indexDate(p)})
	}
	return f
}

func indexDate(p *post.Post) string { return p.Date.Format("2 January 2006") }

// viewPosts is how many of s's newest posts the view lists.
func viewPosts(s *spec) []*post.Post {
	n := indexTopicPosts
	if s.dir == "" {
		n = indexPosts
	}
	return s.posts[:min(n, len(s.posts))]
}

// sameView reports whether the HTML view of the feeds of specs shows what
// the view of old shows: the same feeds in the same order, with the same
// titles, listing the same posts' titles, links and dates. It is what
// renderIndex reads of specs (the rest comes from the Builder's settings,
// which never change), so an edit of a post's body, or of any post not
// among a feed's newest, needs no new view. The cost is a pointer
// comparison per listed post, and more only for the posts that changed.
func sameView(old, specs []*spec) bool {
	if old == nil || len(old) != len(specs) {
		return false
	}
	for i, s := range specs {
		o := old[i]
		if o == s {
			continue
		}
		if o.dir != s.dir || o.title != s.title || !slices.EqualFunc(viewPosts(o), viewPosts(s), sameListing) {
			return false
		}
	}
	return true
}

// sameListing reports whether the view lists a and b alike.
func sameListing(a, b *post.Post) bool {
	return a == b || a.Title == b.Title && a.Permalink == b.Permalink && indexDate(a) == indexDate(b)
}
