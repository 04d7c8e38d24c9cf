package post

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestSnapshotPostsIn checks the runs of posts a scope covers, with names
// that sort next to a folder's: "a.md", "a-b/", "a0.md", "ab/".
func TestSnapshotPostsIn(t *testing.T) {
	paths := []string{"a-b/c.md", "a.md", "a/b.md", "a/c/d.md", "a0.md", "ab/c.md", "b.md"}
	s := &Snapshot{}
	for _, p := range paths {
		s.byPath = append(s.byPath, &Post{Path: p})
	}
	tests := []struct {
		name   string
		scopes []scope
		want   []string
	}{
		{"one file", []scope{{rel: "a.md"}}, []string{"a.md"}},
		{"missing file", []scope{{rel: "c.md"}, {rel: "c.md", dir: true}}, nil},
		{"folder", []scope{{rel: "a", dir: true}}, []string{"a/b.md", "a/c/d.md"}},
		{"nested folder", []scope{{rel: "a/c", dir: true}}, []string{"a/c/d.md"}},
		{"everything", []scope{{rel: "", dir: true}}, paths},
		{"overlapping", []scope{{rel: "a/b.md"}, {rel: "a", dir: true}, {rel: "b.md"}}, []string{"a/b.md", "a/c/d.md", "b.md"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range s.postsIn(tt.scopes) {
				got = append(got, p.Path)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("postsIn = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSnapshotPublished checks Published and Counts, which search the
// date-sorted posts, against Post.Published for every post at several
// times: before all, on a date shared by several posts, between, after all;
// an expired post counts as a draft.
func TestSnapshotPublished(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	posts := []*Post{
		{Path: "a", Date: day(1)}, {Path: "b", Date: day(3), Draft: true}, {Path: "c", Date: day(3)},
		{Path: "d", Date: day(3)}, {Path: "e", Date: day(5), Draft: true}, {Path: "f", Date: day(7)},
		{Path: "g", Date: day(2), Draft: true}, {Path: "h", Date: day(2), Expires: day(4)},
	}
	s := &Snapshot{byDate: slices.Clone(posts)}
	slices.SortFunc(s.byDate, newer)
	for _, now := range []time.Time{day(0), day(1), day(3).Add(-time.Nanosecond), day(3), day(4), day(6), day(7), day(9)} {
		t.Run(now.Format(time.RFC3339Nano), func(t *testing.T) {
			var want []*Post
			drafts, future := 0, 0
			for _, p := range s.byDate {
				switch {
				case p.Published(now):
					want = append(want, p)
				case p.Draft, !p.Date.After(now): // a draft, or expired
					drafts++
				default:
					future++
				}
			}
			if got := s.Published(now); !slices.Equal(got, want) {
				t.Errorf("Published = %v, want %v", got, want)
			}
			if p, d, f := s.Counts(now); p != len(want) || d != drafts || f != future {
				t.Errorf("Counts = %d, %d, %d; want %d, %d, %d", p, d, f, len(want), drafts, future)
			}
		})
	}
}

// TestApplyKeepsNonDrafts applies changes that add, remove and edit posts,
// drafts among them, one by one and a folder at a time, and checks after
// each that the non-drafts apply carried over are those of byDate.
func TestApplyKeepsNonDrafts(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	made := 0
	post := func(path string, d int, draft bool) *Post { // each a new version of its file
		made++
		return &Post{Path: path, Date: day(d), Draft: draft, impl: &postImpl{sum: fileSum{size: made}}}
	}
	var folder []*Post
	for i := range 40 { // more than merge inserts one by one
		folder = append(folder, post(fmt.Sprintf("f/%02d.md", i), i%9, i%3 == 0))
	}
	steps := []struct {
		name   string
		scopes []scope
		posts  []*Post
	}{
		{"first posts", []scope{{rel: "", dir: true}}, []*Post{post("a.md", 1, false), post("b.md", 3, true), post("c.md", 3, false)}},
		{"a draft published", []scope{{rel: "b.md"}}, []*Post{post("b.md", 3, false)}},
		{"a post made a draft", []scope{{rel: "a.md"}}, []*Post{post("a.md", 1, true)}},
		{"a new draft", []scope{{rel: "d.md"}}, []*Post{post("d.md", 2, true)}},
		{"a folder", []scope{{rel: "f", dir: true}}, folder},
		{"a post gone", []scope{{rel: "c.md"}}, nil},
		{"a draft gone", []scope{{rel: "d.md"}}, nil},
		{"the folder gone", []scope{{rel: "f", dir: true}}, nil},
	}
	s := &Snapshot{}
	for _, st := range steps {
		next, _, _, changed := s.apply(change{scopes: st.scopes, posts: slices.Clone(st.posts)})
		if !changed {
			t.Fatalf("%s: apply saw no change", st.name)
		}
		want := slices.DeleteFunc(slices.Clone(next.byDate), func(p *Post) bool { return p.Draft })
		if got := next.listNonDrafts(); !slices.Equal(got, want) {
			t.Errorf("%s: non-drafts %v, want %v", st.name, paths(got), paths(want))
		}
		s = next
	}
}

func paths(ps []*Post) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Path)
	}
	return out
}
