package post

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
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
// some path (a renamed file that kept its id). It changes nothing.
func (r *IDRecord) Check(posts []*Post) []Warning {
	known := make(map[string]bool, len(r.ids))
	for _, id := range r.ids {
		known[id] = true
	}
	var ws []Warning
	for _, p := range posts {
		old, ok := r.ids[p.Path]
		if ok && old != p.ID && !known[p.ID] {
			ws = append(ws, Warning{Path: p.Path, OldID: old, NewID: p.ID})
		}
	}
	slices.SortFunc(ws, func(a, b Warning) int { return strings.Compare(a.Path, b.Path) })
	return ws
}

// Record notes posts as published: path -> id for each, dropping the entry
// of another path that had the same id (the file was renamed). Call Save to
// keep it.
func (r *IDRecord) Record(posts []*Post) {
	byID := make(map[string]string, len(r.ids))
	for path, id := range r.ids {
		byID[id] = path
	}
	for _, p := range posts {
		if old, ok := byID[p.ID]; ok && old != p.Path {
			delete(r.ids, old)
		}
		r.ids[p.Path] = p.ID
		byID[p.ID] = p.Path
	}
}

// IDs returns a copy of the record: path -> id.
func (r *IDRecord) IDs() map[string]string { return maps.Clone(r.ids) }

// Save writes the record atomically: a temporary file in the same folder,
// then a rename.
func (r *IDRecord) Save() error {
	data, err := json.MarshalIndent(r.ids, "", "  ")
	if err != nil {
		return fmt.Errorf("save id record: %w", err)
	}
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
