package web

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/heraldhq/herald/internal/post"
)

// topicCounts is, for each topic value ("author:<key>" or "tag:<tag>"),
// its label on the preferences page and how many posts that are not drafts
// have it. Immutable once in a postSet.
type topicCounts map[string]topicCount

type topicCount struct {
	label string
	n     int
}

// countTopics counts the topics of posts.
func countTopics(posts []*post.Post) topicCounts {
	c := topicCounts{}
	for _, p := range posts {
		c.add(p, 1)
	}
	return c
}

// with returns a copy of c without removed and with added.
func (c topicCounts) with(removed, added []*post.Post) topicCounts {
	next := maps.Clone(c)
	for _, p := range removed {
		next.add(p, -1)
	}
	for _, p := range added {
		next.add(p, 1)
	}
	return next
}

// add counts p's authors and tags by delta (a draft counts for nothing);
// a topic counted down to zero is deleted.
func (c topicCounts) add(p *post.Post, delta int) {
	if p.Draft {
		return
	}
	for _, a := range p.Authors {
		c.bump("author:"+a.Key, "Posts by "+cmp.Or(a.Name, a.Key), delta)
	}
	for _, t := range p.Tags {
		c.bump("tag:"+t, "Posts tagged "+t, delta)
	}
}

func (c topicCounts) bump(value, label string, delta int) {
	tc := c[value]
	if tc.n += delta; tc.n <= 0 {
		delete(c, value)
		return
	}
	if delta > 0 {
		tc.label = label
	}
	c[value] = tc
}

// sameTopics reports whether c and d offer the same topics with the same
// labels (their counts may differ).
func (c topicCounts) sameTopics(d topicCounts) bool {
	return maps.EqualFunc(c, d, func(x, y topicCount) bool { return x.label == y.label })
}

// choices lists the authors (by key) then the tags, each alphabetically
// regardless of case.
func (c topicCounts) choices() []topicChoice {
	var authors, tags []string
	for v := range c {
		if key, ok := strings.CutPrefix(v, "author:"); ok {
			authors = append(authors, key)
		} else {
			tags = append(tags, strings.TrimPrefix(v, "tag:"))
		}
	}
	var out []topicChoice
	for _, key := range sortFold(authors) {
		out = append(out, topicChoice{Value: "author:" + key, Label: c["author:"+key].label})
	}
	for _, tag := range sortFold(tags) {
		out = append(out, topicChoice{Value: "tag:" + tag, Label: c["tag:"+tag].label})
	}
	return out
}

func sortFold(keys []string) []string {
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return keys
}
