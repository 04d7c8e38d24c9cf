package post

// Diff returns the posts of old that are not in next and the posts of next
// that are not in old, compared by pointer (a Post is immutable: an edited
// file is a new *Post), each in its list's order. Lists that share a long
// beginning and end, as two snapshots around one edit do, cost one pass of
// pointer comparisons; only the stretch between is compared as sets.
func Diff(old, next []*Post) (removed, added []*Post) {
	pre := 0
	for pre < len(old) && pre < len(next) && old[pre] == next[pre] {
		pre++
	}
	suf := 0
	for suf < len(old)-pre && suf < len(next)-pre && old[len(old)-1-suf] == next[len(next)-1-suf] {
		suf++
	}
	oldMid, nextMid := old[pre:len(old)-suf], next[pre:len(next)-suf]
	return missing(oldMid, nextMid), missing(nextMid, oldMid)
}

// missing returns the posts of a not in b.
func missing(a, b []*Post) []*Post {
	var out []*Post
	if len(a)*len(b) <= 1024 {
		for _, p := range a {
			if !containsPost(b, p) {
				out = append(out, p)
			}
		}
		return out
	}
	in := make(map[*Post]bool, len(b))
	for _, p := range b {
		in[p] = true
	}
	for _, p := range a {
		if !in[p] {
			out = append(out, p)
		}
	}
	return out
}

func containsPost(ps []*Post, p *Post) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}
