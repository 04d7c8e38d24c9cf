package post

import (
	"maps"
	"path"
	"slices"
	"strings"
)

// renewLinking puts in next a new Post in place of each post that links
// to another (ref, relref, post_url, link) which an Update moved: took out,
// put in, or gave a new URL (gone and came are the posts it took out and
// put in). Such a post's file did not change, but what it shows did; the
// feed builder keeps a post's rendering by *Post, and would serve the old
// URL. The new Post renders again (see postImpl.key) and has its notes on
// references naming no post made anew. next must not be visible to readers
// yet. An Update that moved no URL (an edited body, title or date) costs
// one comparison per post it changed.
func (r *reader) renewLinking(next *Snapshot, gone, came []*Post) {
	moved := r.movedNames(gone, came)
	if len(moved) == 0 {
		return
	}
	renewed := map[*Post]*Post{}
	for i, p := range next.byPath {
		if p.impl == nil || !p.linksTo(moved) || slices.Contains(came, p) {
			continue
		}
		q := p.renew()
		renewed[p], next.byPath[i] = q, q
	}
	if len(renewed) == 0 {
		return
	}
	for _, list := range [][]*Post{next.byDate, next.nonDraft} {
		for i, p := range list {
			if q, ok := renewed[p]; ok {
				list[i] = q
			}
		}
	}
	r.checkRefs(next, slices.Collect(maps.Values(renewed)))
}

// movedNames returns the names a reference may give (see find) of the
// posts of gone that are not in came with the same path and URL, and of
// those of came not in gone so.
func (r *reader) movedNames(gone, came []*Post) map[string]bool {
	var names map[string]bool // nil until a post moved: an edit allocates nothing here
	add := func(from, other []*Post) {
		for _, p := range from {
			if slices.ContainsFunc(other, func(o *Post) bool { return o.Path == p.Path && o.Permalink == p.Permalink }) {
				continue
			}
			if names == nil {
				names = map[string]bool{}
			}
			full := refKey(r.sitePath(p.Path))
			names[full], names[path.Base(full)], names[refKey(p.Path)] = true, true, true
		}
	}
	add(gone, came)
	add(came, gone)
	return names
}

// linksTo reports whether p looks up a post by one of names.
func (p *Post) linksTo(names map[string]bool) bool {
	for _, t := range p.impl.targets {
		if names[refKey(strings.TrimPrefix(strings.TrimSpace(t), "./"))] {
			return true
		}
	}
	return false
}

// renew returns a copy of p that renders again, with its own notes only.
func (p *Post) renew() *Post {
	q := *p
	impl := *p.impl
	q.impl = &impl
	q.Unsupported = slices.Clone(p.Unsupported[:impl.ownNotes])
	return &q
}
