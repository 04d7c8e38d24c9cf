package web

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/post"
)

// homePosts is the number of recent posts listed on the home page.
const homePosts = 10

// postSet is one generation of posts. Immutable.
type postSet struct {
	posts  []*post.Post  // newest first
	topics []topicChoice // every tag and author, in display order, Checked false
}

// postLink is a post listed on the home page.
type postLink struct {
	Title, URL string
	Date       time.Time
}

// topicChoice is one checkbox on the preferences page.
type topicChoice struct {
	Value   string // "tag:<tag>" or "author:<key>", as stored in Subscriber.Topics
	Label   string
	Checked bool
}

// SetPosts replaces the posts behind the home page and the topics offered
// on the preferences page. Drafts and future posts are never listed (they
// are checked against the clock at each request). posts is not modified.
func (s *Server) SetPosts(posts []*post.Post) {
	sorted := slices.Clone(posts)
	slices.SortStableFunc(sorted, func(a, b *post.Post) int { return b.Date.Compare(a.Date) })
	s.posts.Store(&postSet{posts: sorted, topics: topicsOf(sorted)})
}

// recent returns up to n posts published at now, newest first.
func (ps *postSet) recent(now time.Time, n int) []postLink {
	var links []postLink
	for _, p := range ps.posts {
		if len(links) == n {
			break
		}
		if p.Published(now) {
			links = append(links, postLink{Title: p.Title, URL: p.Permalink, Date: p.Date})
		}
	}
	return links
}

// topicsOf lists the authors (by name) then the tags (alphabetically)
// found in posts that are not drafts.
func topicsOf(posts []*post.Post) []topicChoice {
	authors, tags := map[string]string{}, map[string]bool{}
	for _, p := range posts {
		if p.Draft {
			continue
		}
		for _, a := range p.Authors {
			authors[a.Key] = cmp.Or(a.Name, a.Key)
		}
		for _, t := range p.Tags {
			tags[t] = true
		}
	}
	var out []topicChoice
	for _, key := range sortedKeys(authors) {
		out = append(out, topicChoice{Value: "author:" + key, Label: "Posts by " + authors[key]})
	}
	for _, tag := range sortedKeys(tags) {
		out = append(out, topicChoice{Value: "tag:" + tag, Label: "Posts tagged " + tag})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return keys
}
