package post

import (
	"maps"
	"slices"
	"strings"
)

// What the tests read of a snapshot and a record beyond what herald uses;
// compiled only into the tests.

// ByPath returns the post at the slash-separated path relative to the
// posts folder, or nil when no post was read from that path.
func (s *Snapshot) ByPath(rel string) *Post {
	i, ok := slices.BinarySearchFunc(s.byPath, rel, func(p *Post, rel string) int {
		return strings.Compare(p.Path, rel)
	})
	if !ok {
		return nil
	}
	return s.byPath[i]
}

// IDs returns a copy of the record: path -> id.
func (r *IDRecord) IDs() map[string]string { return maps.Clone(r.ids) }
