package post_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/heraldhq/herald/internal/post"
)

func TestDiff(t *testing.T) {
	ps := make([]*post.Post, 300)
	for i := range ps {
		ps[i] = &post.Post{Path: fmt.Sprint(i)}
	}
	edited := &post.Post{Path: "5"}
	replaced := slices.Clone(ps[:10])
	replaced[5] = edited
	moved := append(slices.Clone(ps[1:10]), ps[0]) // same posts, another order
	tests := []struct {
		name           string
		old, next      []*post.Post
		removed, added []*post.Post
	}{
		{"same", ps[:10], ps[:10], nil, nil},
		{"one replaced", ps[:10], replaced, ps[5:6], []*post.Post{edited}},
		{"one added at the front", ps[1:10], ps[:10], nil, ps[:1]},
		{"one removed at the end", ps[:10], ps[:9], ps[9:10], nil},
		{"moved", ps[:10], moved, nil, nil},
		{"from nothing", nil, ps[:3], nil, ps[:3]},
		{"to nothing", ps[:3], nil, ps[:3], nil},
		{"wide: halves swapped", ps[:150], ps[150:], ps[:150], ps[150:]},
		{"wide: one of many gone", ps, slices.Delete(slices.Clone(ps), 100, 101), ps[100:101], nil},
		{"wide: reversed", ps, reversed(ps), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			removed, added := post.Diff(tt.old, tt.next)
			if !slices.Equal(removed, tt.removed) || !slices.Equal(added, tt.added) {
				t.Errorf("Diff = %v, %v; want %v, %v", removed, added, tt.removed, tt.added)
			}
		})
	}
}

func reversed(ps []*post.Post) []*post.Post {
	out := slices.Clone(ps)
	slices.Reverse(out)
	return out
}
