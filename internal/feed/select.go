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

// selectFeeds splits published (newest first) into the feeds to build: the
// site feed first, then the tag and author feeds sorted by folder.
func (c *config) selectFeeds(published []*post.Post) []*spec {
	site := &spec{title: c.site.Title, description: c.site.Description}
	byDir := map[string]*spec{}
	slugs := map[string]string{}
	for _, p := range published {
		if len(site.posts) < c.limit {
			site.posts = append(site.posts, p)
		}
		if c.perTag {
			for _, t := range p.Tags {
				c.addTo(byDir, "tags/"+cachedSlug(slugs, t), p, func() *spec { return c.tagSpec(t) })
			}
		}
		if c.perAuth {
			for _, a := range p.Authors {
				c.addTo(byDir, "authors/"+cachedSlug(slugs, a.Key), p, func() *spec { return c.authorSpec(a) })
			}
		}
	}
	return append([]*spec{site}, sortedSpecs(byDir)...)
}

// addTo appends p to the feed in dir, creating it with mk on first use. A
// post that names the same tag twice (as "Go" and "go") appears once.
func (c *config) addTo(byDir map[string]*spec, dir string, p *post.Post, mk func() *spec) {
	s := byDir[dir]
	if s == nil {
		s = mk()
		s.dir = dir
		byDir[dir] = s
	}
	if len(s.posts) < c.limit && (len(s.posts) == 0 || s.posts[len(s.posts)-1] != p) {
		s.posts = append(s.posts, p)
	}
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
	name := a.Name
	if name == "" {
		name = a.Key
	}
	return &spec{
		title:       fmt.Sprintf("%s: %s", c.site.Title, name),
		description: fmt.Sprintf("Posts by %s on %s", name, c.site.Title),
		author:      &a,
	}
}

// cachedSlug is slug with a memo; a name with no letters or digits gets a
// hex form of its bytes so that it still has a folder of its own.
func cachedSlug(memo map[string]string, name string) string {
	if s, ok := memo[name]; ok {
		return s
	}
	s := slug(name)
	if s == "" {
		s = "x" + hex.EncodeToString([]byte(name))
	}
	memo[name] = s
	return s
}

func sortedSpecs(byDir map[string]*spec) []*spec {
	out := make([]*spec, 0, len(byDir))
	for _, s := range byDir {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dir < out[j].dir })
	return out
}
