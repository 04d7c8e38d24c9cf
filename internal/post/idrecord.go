package post

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// IDRecord remembers the id of every post that was published, by path, so
// that a change giving a published post a new id is caught before feed
// readers see old posts as new. It is a JSON object {"path": "id"} in a
// file the caller names (in the data folder). Not safe for concurrent use.
type IDRecord struct {
	path string
	ids  map[string]string // post path -> published id
	byID map[string]string // published id -> a path recorded with it; built on first use
}

// Warning is a published post whose id would change.
type Warning struct {
	Path  string // the post's path relative to the posts folder
	OldID string // the id feed readers have seen
	NewID string // the id the post has now
}

func (w Warning) String() string {
	return fmt.Sprintf("%s: id changed from %q to %q; feed readers would show it as a new post: add `id: %s` to its front matter",
		w.Path, w.OldID, w.NewID, w.OldID)
}

// LoadIDRecord reads the record at path. A missing file is an empty record,
// not an error; a file that is not a JSON object of strings is an error.
func LoadIDRecord(path string) (*IDRecord, error) {
	r := &IDRecord{path: path, ids: map[string]string{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read id record: %w", err)
	}
	text := string(data)
	r.ids = make(map[string]string, strings.Count(text, "\n")) // Save writes one entry a line
	if parseIDs(text, r.ids) {
		return r, nil
	}
	r.ids = map[string]string{} // parseIDs may have filled part of it
	if err := json.Unmarshal(data, &r.ids); err != nil {
		return nil, fmt.Errorf("read id record %s: %w", path, err)
	}
	if r.ids == nil {
		r.ids = map[string]string{}
	}
	return r, nil
}

// Check returns a Warning, sorted by path, for each post whose path is in
// the record under another id, unless the post's id was published under
// some path (a renamed file that kept its id). It changes nothing; its cost
// grows with len(posts), not with the record: one lookup for a post whose
// id is unchanged, the reverse index only for one whose id changed.
func (r *IDRecord) Check(posts []*Post) []Warning {
	var ws []Warning
	for _, p := range posts {
		old, ok := r.ids[p.Path]
		if !ok || old == p.ID {
			continue
		}
		if _, known := r.index()[p.ID]; !known {
			ws = append(ws, Warning{Path: p.Path, OldID: old, NewID: p.ID})
		}
	}
	slices.SortFunc(ws, func(a, b Warning) int { return strings.Compare(a.Path, b.Path) })
	return ws
}

// Unrecorded returns the posts whose path is not in the record with their
// id, in order: Check warns of none of the others and Record changes
// nothing for them. A cold build's posts are mostly recorded already, and
// filtering them once spares Check and Record a lookup each.
func (r *IDRecord) Unrecorded(posts []*Post) []*Post {
	var out []*Post
	for _, p := range posts {
		if id, ok := r.ids[p.Path]; !ok || id != p.ID {
			out = append(out, p)
		}
	}
	return out
}

// Record notes posts as published: path -> id for each, dropping the entry
// of another path that had the same id (the file was renamed). It reports
// whether the record changed (call Save to keep it); its cost grows with
// len(posts), not with the record.
//
// A post whose path is already recorded with its id changes nothing and
// costs one lookup, without the reverse index: a record that Record kept
// holds each id under one path only, so no other path can have it. (A
// record file edited by hand to give one id to two paths keeps both
// entries; before, which one a rename dropped depended on map order.)
func (r *IDRecord) Record(posts []*Post) (changed bool) {
	for _, p := range posts {
		prev, ok := r.ids[p.Path]
		if ok && prev == p.ID {
			continue
		}
		byID := r.index()
		if old, ok := byID[p.ID]; ok && old != p.Path {
			delete(r.ids, old)
		}
		if ok && byID[prev] == p.Path {
			delete(byID, prev) // no other path is indexed under it
		}
		r.ids[p.Path], byID[p.ID], changed = p.ID, p.Path, true
	}
	return changed
}

// index returns the reverse of ids (id -> path), building it on first use.
// A record file that names one id under several paths indexes one of them.
func (r *IDRecord) index() map[string]string {
	if r.byID == nil {
		r.byID = make(map[string]string, len(r.ids))
		for path, id := range r.ids {
			r.byID[id] = path
		}
	}
	return r.byID
}

// Save writes the record atomically: a temporary file in the same folder,
// then a rename.
func (r *IDRecord) Save() error {
	data := marshalIDs(r.ids)
	tmp, err := os.CreateTemp(filepath.Dir(r.path), ".ids-*.tmp")
	if err != nil {
		return fmt.Errorf("save id record: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this fails harmlessly
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save id record %s: %w", r.path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save id record %s: %w", r.path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save id record %s: %w", r.path, err)
	}
	if err := os.Rename(tmp.Name(), r.path); err != nil {
		return fmt.Errorf("save id record %s: %w", r.path, err)
	}
	return nil
}
