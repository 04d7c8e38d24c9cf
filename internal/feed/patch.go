package feed

import (
	"slices"

	"github.com/heraldhq/herald/internal/post"
)

// maxPatch is the most changed positions selectFeeds patches in place; past
// it a full pass is as cheap.
const maxPatch = 16

// selectFeeds is config.selectFeeds made incremental: when published has
// the same length as last time and only a few positions hold a new *Post
// whose tags and authors are unchanged (an edited body or title), every feed
// keeps its members and only those pointers are swapped, so the cost follows
// the size of the change instead of the corpus. Anything else (a post added,
// removed, moved by its date, or retagged) takes a full pass.
func (b *Builder) selectFeeds(published []*post.Post) []*spec {
	if specs, ok := b.patchSelection(published); ok {
		return specs
	}
	b.fullScans++
	return b.cfg.selectFeeds(published)
}

func (b *Builder) patchSelection(published []*post.Post) ([]*spec, bool) {
	if b.lastSpecs == nil || len(published) != len(b.lastPublished) {
		return nil, false
	}
	swap := map[*post.Post]*post.Post{}
	for i, p := range published {
		old := b.lastPublished[i]
		if p == old {
			continue
		}
		if len(swap) == maxPatch || !sameMembership(old, p) {
			return nil, false
		}
		swap[old] = p
	}
	specs := make([]*spec, len(b.lastSpecs))
	for i, s := range b.lastSpecs {
		specs[i] = swapPosts(s, swap)
	}
	return specs, true
}

// sameMembership reports whether a and b belong to the same feeds.
func sameMembership(a, b *post.Post) bool {
	return slices.Equal(a.Tags, b.Tags) && slices.Equal(a.Authors, b.Authors)
}

// swapPosts returns s, or a copy of it with the posts in swap replaced;
// s itself is never modified, since the last build's state refers to it.
func swapPosts(s *spec, swap map[*post.Post]*post.Post) *spec {
	if len(swap) == 0 {
		return s
	}
	out := s
	for i, p := range s.posts {
		q, ok := swap[p]
		if !ok {
			continue
		}
		if out == s {
			c := *s
			c.posts = slices.Clone(s.posts)
			out = &c
		}
		out.posts[i] = q
	}
	return out
}

// remember keeps what the next selectFeeds patches.
func (b *Builder) remember(published []*post.Post, specs []*spec) {
	b.lastPublished = slices.Clone(published)
	b.lastSpecs = specs
}
