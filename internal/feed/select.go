package feed

import (
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/heraldhq/herald/internal/post"
)

// spec is one feed before rendering: where it goes, its header, its posts.
type spec struct {
	dir         string // "" for the site feed, else "tags/<slug>" or "authors/<key>"
	title       string
	description string
	author      *post.Author // the person of a per-author feed; nil otherwise
	posts       []*post.Post // newest first, at most limit
}

// selector sorts posts into feeds. It looks each tag and author up once per
// post by its raw name, which keeps a pass over 10,000 posts well under a
// millisecond.
type selector struct {
	c        *config
	byDir    map[string]*spec
	byTag    map[string]*spec
	byAuthor map[string]*spec
}

// selectFeeds splits published (newest first) into the feeds to build: the
// site feed first, then the tag and author feeds sorted by folder.
func (c *config) selectFeeds(published []*post.Post) []*spec {
	site := &spec{title: c.site.Title, description: c.site.Description}
	sel := selector{c: c, byDir: map[string]*spec{}, byTag: map[string]*spec{}, byAuthor: map[string]*spec{}}
	for _, p := range published {
		c.add(site, p)
		if c.perTag {
			for _, t := range p.Tags {
				c.add(sel.tag(t), p)
			}
		}
		if c.perAuth {
			for _, a := range p.Authors {
				c.add(sel.author(a), p)
			}
		}
	}
	return append([]*spec{site}, sortedSpecs(sel.byDir)...)
}

// add appends p to s unless s is full. A post that names the same tag twice
// (as "Go" and "go") appears once.
func (c *config) add(s *spec, p *post.Post) {
	if len(s.posts) < c.limit && (len(s.posts) == 0 || s.posts[len(s.posts)-1] != p) {
		s.posts = append(s.posts, p)
	}
}

func (sel *selector) tag(tag string) *spec {
	if s, ok := sel.byTag[tag]; ok {
		return s
	}
	s := sel.spec("tags/"+folderName(tag), func() *spec { return sel.c.tagSpec(tag) })
	sel.byTag[tag] = s
	return s
}

func (sel *selector) author(a post.Author) *spec {
	if s, ok := sel.byAuthor[a.Key]; ok {
		return s
	}
	s := sel.spec("authors/"+folderName(a.Key), func() *spec { return sel.c.authorSpec(a) })
	sel.byAuthor[a.Key] = s
	return s
}

// spec returns the feed in dir, creating it with mk on first use.
func (sel *selector) spec(dir string, mk func() *spec) *spec {
	s := sel.byDir[dir]
	if s == nil {
		s = mk()
		s.dir = dir
		sel.byDir[dir] = s
	}
	return s
}

func (c *config) tagSpec(tag string) *spec {
	return &spec{
		title:       fmt.Sprintf("%s: %s", c.site.Title, tag),
		description: fmt.Sprintf("Posts tagged “%s” on %s", tag, c.site.Title),
	}
}

func (c *config) authorSpec(a post.Author) *spec {
	if known, ok := c.site.Authors[a.Key]; ok {
		a = known
	}
	name := displayName(a)
	return &spec{
		title:       fmt.Sprintf("%s: %s", c.site.Title, name),
		description: fmt.Sprintf("Posts by %s on %s", name, c.site.Title),
		author:      &a,
	}
}

// folderName is post.Slugify(name), or a hex form of name's bytes when name has no
// letters or digits, so that every tag still has a folder of its own.
func folderName(name string) string {
	if s := post.Slugify(name); s != "" {
		return s
	}
	return "x" + hex.EncodeToString([]byte(name))
}

func sortedSpecs(byDir map[string]*spec) []*spec {
	out := make([]*spec, 0, len(byDir))
	for _, s := range byDir {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dir < out[j].dir })
	return out
}
