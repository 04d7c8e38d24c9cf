package web

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
)

// TestSetPostsTopics feeds SetPosts a series of post lists, each from the
// last by a small edit or a wholesale change, and checks the topics offered
// after each: the incremental count must match the posts as a whole.
func TestSetPostsTopics(t *testing.T) {
	ada, bob := post.Author{Key: "ada", Name: "Ada"}, post.Author{Key: "Bob"}
	day := func(n int) time.Time { return time.Date(2026, 1, n, 0, 0, 0, 0, time.UTC) }
	p1 := &post.Post{Path: "1.md", Date: day(1), Authors: []post.Author{ada}, Tags: []string{"go", "web"}}
	p2 := &post.Post{Path: "2.md", Date: day(2), Authors: []post.Author{bob}, Tags: []string{"go"}}
	p1b := &post.Post{Path: "1.md", Date: day(1), Authors: []post.Author{ada}, Tags: []string{"go"}}
	draft := &post.Post{Path: "3.md", Date: day(3), Draft: true, Tags: []string{"secret"}}
	p4 := &post.Post{Path: "4.md", Date: day(4), Authors: []post.Author{ada}, Tags: []string{"Zed", "apple"}}
	many := []*post.Post{p4}
	for i := range 200 {
		many = append(many, &post.Post{Path: fmt.Sprint(i), Date: day(1), Tags: []string{fmt.Sprintf("t%03d", i)}})
	}
	steps := []struct {
		name  string
		posts []*post.Post
		want  []string // topic values in display order; len(many) is checked separately
	}{
		{"first posts", []*post.Post{p1, p2}, []string{"author:ada", "author:Bob", "tag:go", "tag:web"}},
		{"edit drops a tag", []*post.Post{p1b, p2}, []string{"author:ada", "author:Bob", "tag:go"}},
		{"a draft offers nothing", []*post.Post{p1b, p2, draft}, []string{"author:ada", "author:Bob", "tag:go"}},
		{"newest post, unsorted input", []*post.Post{p1b, p4, p2, draft}, []string{"author:ada", "author:Bob", "tag:apple", "tag:go", "tag:Zed"}},
		{"author's last post gone", []*post.Post{p1b, p4}, []string{"author:ada", "tag:apple", "tag:go", "tag:Zed"}},
		{"many posts", many, nil},
		{"back to two", []*post.Post{p1, p2}, []string{"author:ada", "author:Bob", "tag:go", "tag:web"}},
		{"none", nil, nil},
	}
	e := newEnv(t, nil)
	for _, st := range steps {
		e.srv.SetPosts(st.posts)
		var got []string
		for _, c := range e.srv.posts.Load().topics {
			got = append(got, c.Value)
		}
		want := st.want
		if st.name == "many posts" {
			want = []string{"author:ada", "tag:apple"}
			for i := range 200 {
				want = append(want, fmt.Sprintf("tag:t%03d", i))
			}
			want = append(want, "tag:Zed")
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: topics %q\nwant %q", st.name, got, want)
		}
	}
	e.srv.SetPosts([]*post.Post{p1, p2})
	labels := map[string]string{}
	for _, c := range e.srv.posts.Load().topics {
		labels[c.Value] = c.Label
	}
	if labels["author:ada"] != "Posts by Ada" || labels["author:Bob"] != "Posts by Bob" || labels["tag:go"] != "Posts tagged go" {
		t.Errorf("labels %v", labels)
	}
}

// TestDiffPosts checks the pointer difference SetPosts counts topics from.
func TestDiffPosts(t *testing.T) {
	ps := make([]*post.Post, 300)
	for i := range ps {
		ps[i] = &post.Post{Path: fmt.Sprint(i)}
	}
	edited := &post.Post{Path: "5"}
	replaced := slices.Clone(ps[:10])
	replaced[5] = edited
	tests := []struct {
		name           string
		old, next      []*post.Post
		removed, added []*post.Post
		ok             bool
	}{
		{"same", ps[:10], ps[:10], nil, nil, true},
		{"one replaced", ps[:10], replaced, ps[5:6], []*post.Post{edited}, true},
		{"one added at the front", ps[1:10], ps[:10], nil, ps[:1], true},
		{"one removed at the end", ps[:10], ps[:9], ps[9:10], nil, true},
		{"from nothing", nil, ps[:3], nil, ps[:3], true},
		{"too wide", ps[:150], ps[150:], nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			removed, added, ok := diffPosts(tt.old, tt.next)
			if ok != tt.ok || !slices.Equal(removed, tt.removed) || !slices.Equal(added, tt.added) {
				t.Errorf("diffPosts = %v, %v, %v; want %v, %v, %v", removed, added, ok, tt.removed, tt.added, tt.ok)
			}
		})
	}
}
