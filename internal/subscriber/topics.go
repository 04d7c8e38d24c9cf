package subscriber

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on a subscriber's topics.
const (
	MaxTopics   = 100
	MaxTopicLen = 200 // bytes, prefix included
)

// CheckTopics returns topics trimmed, without duplicates or empty entries,
// or an error (a sentence for the person) when there are more than
// MaxTopics or one is not "tag:<tag>" or "author:<key>" of at most
// MaxTopicLen bytes of text without control characters. No topics means
// every post.
func CheckTopics(topics []string) ([]string, error) {
	if len(topics) > MaxTopics {
		return nil, fmt.Errorf("more than %d topics", MaxTopics)
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range topics {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		kind, value, _ := strings.Cut(t, ":")
		if (kind != "tag" && kind != "author") || value == "" || len(t) > MaxTopicLen ||
			!utf8.ValidString(t) || strings.IndexFunc(t, unicode.IsControl) >= 0 {
			return nil, fmt.Errorf("topic %q is not like tag:name or author:key", t)
		}
		seen[t] = true
		out = append(out, t)
	}
	return out, nil
}

// SplitTopics splits a list of topics written as text (a CSV cell, a
// command-line flag) at spaces, commas and semicolons.
func SplitTopics(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ';' || r == ',' })
}

// Matches reports whether a post with tags and authors (author keys) is
// one that a subscriber with topics wants: no topics want every post;
// otherwise "tag:<tag>" matches a tag case-insensitively and
// "author:<key>" an author key exactly.
func Matches(topics, tags, authors []string) bool {
	if len(topics) == 0 {
		return true
	}
	for _, t := range topics {
		kind, name, _ := strings.Cut(t, ":")
		switch kind {
		case "tag":
			for _, tag := range tags {
				if strings.EqualFold(tag, name) {
					return true
				}
			}
		case "author":
			for _, a := range authors {
				if a == name {
					return true
				}
			}
		}
	}
	return false
}
