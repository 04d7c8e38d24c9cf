package post

import (
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
	lists map[string][]Author // author lists by appendAuthorsKey
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
	var buf [256]byte
	key := appendAuthorsKey(buf[:0], as)
	in.mu.Lock()
	defer in.mu.Unlock()
	if c, ok := in.lists[string(key)]; ok { // no allocation for the lookup
		return c
	}
	in.lists[string(key)] = as
	return as
}

// appendAuthorsKey appends to b what identifies a list of authors: two
// lists with the same key are equal.
func appendAuthorsKey(b []byte, as []Author) []byte {
	for _, a := range as {
		for _, s := range [...]string{a.Key, a.Name, a.Email, a.URL, a.Bio} {
			b = append(b, s...)
			b = append(b, 0)
		}
		if a.ShowEmail {
			b = append(b, 'e')
		}
		if a.Undeclared {
			b = append(b, 'u')
		}
		b = append(b, 1)
	}
	return b
}
