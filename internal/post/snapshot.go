package post

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Snapshot is an immutable view of a Library at one moment: every method
// returns the same answer for the same arguments, whatever Update does
// later. The zero value is an empty snapshot.
type Snapshot struct {
	byDate   []*Post   // newest first, ties broken by path
	byPath   []*Post   // sorted by path
	problems []Problem // sorted by path

	listed   sync.Once
	nonDraft []*Post // byDate without drafts; see listNonDrafts
}

// listNonDrafts returns byDate without the drafts, worked out once per
// snapshot: the posts published at any time are a suffix of it.
func (s *Snapshot) listNonDrafts() []*Post {
	s.listed.Do(func() {
		s.nonDraft = make([]*Post, 0, len(s.byDate))
		for _, p := range s.byDate {
			if !p.Draft {
				s.nonDraft = append(s.nonDraft, p)
			}
		}
	})
	return s.nonDraft
}

// firstPublished returns the index in nonDraft of the first post not dated
// after now: the ones before it are future posts.
func firstPublished(nonDraft []*Post, now time.Time) int {
	return sort.Search(len(nonDraft), func(i int) bool { return !nonDraft[i].Date.After(now) })
}

// newer orders posts newest first, ties broken by path.
func newer(a, b *Post) int {
	if c := b.Date.Compare(a.Date); c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}

func byPathOrder(a, b *Post) int { return strings.Compare(a.Path, b.Path) }

// All returns every parsed post, drafts and future posts included, newest
// first (ties broken by path). The slice is the caller's to keep.
func (s *Snapshot) All() []*Post { return slices.Clone(s.byDate) }

// Published returns the posts visible at now (see Post.Published), newest
// first. The slice is the caller's to keep. After the snapshot's first
// call, the cost is a binary search and a copy.
func (s *Snapshot) Published(now time.Time) []*Post {
	nd := s.listNonDrafts()
	return slices.DeleteFunc(slices.Clone(nd[firstPublished(nd, now):]), func(p *Post) bool { return p.expired(now) })
}

// Problems returns the files that could not be read, sorted by path.
func (s *Snapshot) Problems() []Problem {
	return slices.DeleteFunc(slices.Clone(s.problems), func(p Problem) bool { return p.Note })
}

// Notes returns the files skipped on purpose (see Problem.Note), sorted by
// path.
func (s *Snapshot) Notes() []Problem {
	return slices.DeleteFunc(slices.Clone(s.problems), func(p Problem) bool { return !p.Note })
}

// Counts returns how many posts are published at now, how many are drafts
// (expired posts count as drafts), and how many are not drafts but dated
// after now.
func (s *Snapshot) Counts(now time.Time) (published, drafts, future int) {
	nd := s.listNonDrafts()
	future = firstPublished(nd, now)
	published = len(nd) - future // less the expired: counted, not copied as Published does
	for _, p := range nd[future:] {
		if p.expired(now) {
			published--
		}
	}
	return published, len(s.byDate) - published - future, future
}

// NextPublication returns the earliest time after now when a non-draft
// post appears (its date) or expires: when the published set will next
// change without a file event. It returns the zero time when there is none.
func (s *Snapshot) NextPublication(now time.Time) time.Time {
	var next time.Time
	earlier := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, p := range s.listNonDrafts() {
		earlier(p.Date)
		if !p.Expires.IsZero() {
			earlier(p.Expires)
		}
	}
	return next
}

// Len returns the number of parsed posts, drafts and future posts included.
func (s *Snapshot) Len() int { return len(s.byPath) }

// scope is the part of the posts folder an Update replaces: one file, or a
// folder and everything under it (all when rel is "").
type scope struct {
	rel string
	dir bool
}

func (sc scope) contains(rel string) bool {
	if !sc.dir {
		return rel == sc.rel
	}
	return sc.rel == "" || (len(rel) > len(sc.rel) && rel[len(sc.rel)] == '/' && strings.HasPrefix(rel, sc.rel))
}

// DuplicateIDs returns a Problem for each post whose ID an earlier post
// (by path) already has: feed readers would merge the two. Sorted by path;
// nil when every id is unique. Computed on each call.
func (s *Snapshot) DuplicateIDs() []Problem {
	first := make(map[string]string, len(s.byPath))
	var out []Problem
	for _, p := range s.byPath {
		if other, ok := first[p.ID]; ok {
			out = append(out, Problem{Path: p.Path, Line: 1, Col: 1,
				Msg: fmt.Sprintf("id %q is also the id of %s: give one of them another id or slug in its front matter", p.ID, other)})
			continue
		}
		first[p.ID] = p.Path
	}
	return out
}

// UndeclaredAuthors returns the names of authors that posts name without
// an [authors.*] entry, each once with how many posts name it, by name.
func (s *Snapshot) UndeclaredAuthors() []NameCount {
	counts := map[string]int{}
	for _, p := range s.byPath {
		for _, a := range p.Authors {
			if a.Undeclared {
				counts[a.Name]++
			}
		}
	}
	out := make([]NameCount, 0, len(counts))
	for _, name := range slices.Sorted(maps.Keys(counts)) {
		out = append(out, NameCount{Name: name, Count: counts[name]})
	}
	return out
}

// NameCount is a name and how many posts have it.
type NameCount struct {
	Name  string
	Count int
}

// TOMLKey returns k as a TOML key: bare when it has only ASCII letters,
// digits, "-" and "_", else quoted with escapes, so that
// "[authors." + TOMLKey(k) + "]" is always a valid table header.
func TOMLKey(k string) string {
	bare := k != ""
	for _, c := range []byte(k) {
		if !(isLetter(c) || ('0' <= c && c <= '9') || c == '-' || c == '_') {
			bare = false
		}
	}
	if bare {
		return k
	}
	return TOMLString(k)
}

// TOMLString returns s as a TOML basic string, in quotes with escapes.
func TOMLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7F:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
