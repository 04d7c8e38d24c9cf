package post

import (
	"slices"
	"strings"
)

// apply returns s with everything inside c's scopes replaced by c's posts
// and problems, the posts it took out and put in, and whether that differs
// from s. The posts in the scopes
// are found by binary search, so an Update of one file costs a copy of the
// two post lists, not a test of every post.
func (s *Snapshot) apply(c change) (next *Snapshot, gone, came []*Post, changed bool) {
	in := func(rel string) bool {
		return slices.ContainsFunc(c.scopes, func(sc scope) bool { return sc.contains(rel) })
	}
	gone = s.postsIn(c.scopes)
	next = &Snapshot{}
	oldProblems := slices.Clone(s.problems)
	next.problems = slices.DeleteFunc(oldProblems, func(p Problem) bool { return in(p.Path) })
	next.problems = append(next.problems, c.problems...)
	sortProblems(next.problems)
	next.problems = slices.Compact(next.problems)
	slices.SortStableFunc(c.posts, byPathOrder)
	c.posts = lastPerPath(c.posts)
	if samePosts(gone, c.posts) && slices.Equal(next.problems, s.problems) {
		return s, nil, nil, false
	}
	next.byPath = merge(without(s.byPath, gone, byPathOrder, len(c.posts)), c.posts, byPathOrder)
	next.byDate = merge(without(s.byDate, gone, newer, len(c.posts)), c.posts, newer)
	// The non-drafts follow from the last snapshot's as byDate does, which
	// spares the next snapshot a pass over every post (without skips the
	// gone drafts, which are not there).
	added := filter(c.posts, func(p *Post) bool { return !p.Draft })
	next.nonDraft = merge(without(s.listNonDrafts(), gone, newer, len(added)), added, newer)
	next.listed.Do(func() {})
	return next, gone, c.posts, true
}

// merge adds posts to ps, sorted by cmp, keeping it sorted; ps must have
// room for them (see without).
func merge(ps, posts []*Post, cmp func(a, b *Post) int) []*Post {
	if len(posts) > 32 { // a folder: sorting once beats many inserts
		ps = append(ps, posts...)
		slices.SortFunc(ps, cmp)
		return ps
	}
	for _, p := range posts {
		ps = insertSorted(ps, p, cmp)
	}
	return ps
}

// filter returns the posts of ps for which keep is true, in a new slice.
func filter(ps []*Post, keep func(*Post) bool) []*Post {
	var out []*Post
	for _, p := range ps {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// postsIn returns the posts inside any of scopes, in path order: each scope
// is a run of byPath (a folder's posts share the prefix "folder/").
func (s *Snapshot) postsIn(scopes []scope) []*Post {
	var runs [][2]int
	for _, sc := range scopes {
		lo, hi := s.run(sc)
		if lo < hi {
			runs = append(runs, [2]int{lo, hi})
		}
	}
	slices.SortFunc(runs, func(a, b [2]int) int { return a[0] - b[0] })
	var out []*Post
	end := 0
	for _, r := range runs {
		lo := max(r[0], end)
		if lo < r[1] {
			out = append(out, s.byPath[lo:r[1]]...)
		}
		end = max(end, r[1])
	}
	return out
}

// run returns the range of byPath inside sc.
func (s *Snapshot) run(sc scope) (lo, hi int) {
	search := func(rel string) int {
		i, _ := slices.BinarySearchFunc(s.byPath, rel, func(p *Post, rel string) int { return strings.Compare(p.Path, rel) })
		return i
	}
	switch {
	case sc.dir && sc.rel == "":
		return 0, len(s.byPath)
	case sc.dir:
		return search(sc.rel + "/"), search(sc.rel + "0") // '0' follows '/'
	default:
		lo = search(sc.rel)
		if lo < len(s.byPath) && s.byPath[lo].Path == sc.rel {
			return lo, lo + 1
		}
		return lo, lo
	}
}

// without returns a copy of ps, sorted by cmp, without the posts of gone
// (each in ps), with room for extra more.
func without(ps, gone []*Post, cmp func(a, b *Post) int, extra int) []*Post {
	drop := make([]int, 0, len(gone))
	for _, g := range gone {
		if i, ok := slices.BinarySearchFunc(ps, g, cmp); ok && ps[i] == g {
			drop = append(drop, i)
		}
	}
	slices.Sort(drop)
	out := make([]*Post, 0, len(ps)-len(drop)+extra)
	from := 0
	for _, i := range drop {
		out = append(out, ps[from:i]...)
		from = i + 1
	}
	return append(out, ps[from:]...)
}

// lastPerPath keeps the last of each run of posts with the same path (a
// file named twice in one Update, or inside a folder also named).
func lastPerPath(ps []*Post) []*Post {
	out := ps[:0]
	for i, p := range ps {
		if i+1 < len(ps) && ps[i+1].Path == p.Path {
			continue
		}
		out = append(out, p)
	}
	return out
}

func insertSorted(ps []*Post, p *Post, cmp func(a, b *Post) int) []*Post {
	i, _ := slices.BinarySearchFunc(ps, p, cmp)
	return slices.Insert(ps, i, p)
}

// samePosts reports whether two path-sorted lists hold the same files with
// the same bytes.
func samePosts(a, b []*Post) bool {
	return slices.EqualFunc(a, b, func(x, y *Post) bool {
		return x.Path == y.Path && x.impl.sum == y.impl.sum
	})
}
