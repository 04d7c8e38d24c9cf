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
		{"first posts", []*post.Post{p2, p1}, []string{"author:ada", "author:Bob", "tag:go", "tag:web"}},
		{"edit drops a tag", []*post.Post{p2, p1b}, []string{"author:ada", "author:Bob", "tag:go"}},
		{"a draft offers nothing", []*post.Post{draft, p2, p1b}, []string{"author:ada", "author:Bob", "tag:go"}},
		{"a new post", []*post.Post{p4, draft, p2, p1b}, []string{"author:ada", "author:Bob", "tag:apple", "tag:go", "tag:Zed"}},
		{"author's last post gone", []*post.Post{p4, p1b}, []string{"author:ada", "tag:apple", "tag:go", "tag:Zed"}},
		{"many posts", many, nil},
		{"back to two", []*post.Post{p2, p1}, []string{"author:ada", "author:Bob", "tag:go", "tag:web"}},
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
	e.srv.SetPosts([]*post.Post{p2, p1})
	labels := map[string]string{}
	for _, c := range e.srv.posts.Load().topics {
		labels[c.Value] = c.Label
	}
	if labels["author:ada"] != "Posts by Ada" || labels["author:Bob"] != "Posts by Bob" || labels["tag:go"] != "Posts tagged go" {
		t.Errorf("labels %v", labels)
	}
}
