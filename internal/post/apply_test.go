package post

import (
	"slices"
	"testing"
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
