package web

import (
	"time"

	"github.com/heraldhq/herald/internal/post"
)

// homePosts is the number of recent posts listed on the home page.
const homePosts = 10

// postSet is one generation of posts. Immutable.
type postSet struct {
	posts  []*post.Post  // newest first
	topics []topicChoice // every tag and author, in display order, Checked false
	counts topicCounts   // what topics is made from
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
// on the preferences page. posts must be newest first, as
// post.Snapshot.Published returns them, and becomes the server's: the
// caller must not change it afterwards. Drafts and future posts are never
// listed (they are checked against the clock at each request). The topics
// are worked out again only from the posts that differ from the last
// call's (by pointer; a post is immutable), so that one edited post costs
// little however many there are: SetPosts neither copies nor sorts.
func (s *Server) SetPosts(posts []*post.Post) {
	next := &postSet{posts: posts}
	old := s.posts.Load()
	removed, added := post.Diff(old.posts, posts)
	if old.counts != nil && len(removed)+len(added) <= 128 { // else counting every post costs less
		next.counts = old.counts.with(removed, added)
		next.topics = old.topics
		if !next.counts.sameTopics(old.counts) {
			next.topics = next.counts.choices()
		}
	} else {
		next.counts = countTopics(posts)
		next.topics = next.counts.choices()
	}
	s.posts.Store(next)
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
