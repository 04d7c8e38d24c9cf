package post

import (
	"strings"
	"sync"
)

// interner keeps one copy of each tag or category name and of each list of
// authors, so that thousands of posts naming the same few share them: a
// post's metadata is then mostly its own title, path and URLs. The lists it
// returns are shared and must not be modified (a Post is immutable). It
// keeps every name it has seen for the life of its Library (a config
// reload makes a new one). Safe for concurrent use.
type interner struct {
	mu    sync.Mutex
	names map[string]string
	lists map[string][]Author // author lists by authorsKey
}

func newInterner() *interner {
	return &interner{names: map[string]string{}, lists: map[string][]Author{}}
}

// strings returns ss with each name replaced by its shared copy (in place:
// ss is the caller's fresh slice).
func (in *interner) strings(ss []string) []string {
	if len(ss) == 0 {
		return ss
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for i, s := range ss {
		if c, ok := in.names[s]; ok {
			ss[i] = c
		} else {
			in.names[s] = s
		}
	}
	return ss
}

// authors returns the shared list equal to as.
func (in *interner) authors(as []Author) []Author {
	if len(as) == 0 {
		return as
	}
	key := authorsKey(as)
	in.mu.Lock()
	defer in.mu.Unlock()
	if c, ok := in.lists[key]; ok {
		return c
	}
	in.lists[key] = as
	return as
}

// authorsKey identifies a list of authors: two lists with the same key
// are equal.
func authorsKey(as []Author) string {
	var b strings.Builder
	for _, a := range as {
		for _, s := range []string{a.Key, a.Name, a.Email, a.URL, a.Bio} {
			b.WriteString(s)
			b.WriteByte(0)
		}
		if a.ShowEmail {
			b.WriteByte('e')
		}
		if a.Undeclared {
			b.WriteByte('u')
		}
		b.WriteByte(1)
	}
	return b.String()
}
