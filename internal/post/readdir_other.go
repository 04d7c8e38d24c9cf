//go:build !linux

package post

import "os"

// dirScratch is the Linux readDir's reusable space; unused here.
type dirScratch struct{}

// readDir lists the folder at path, unsorted, with os.File.ReadDir; see
// the Linux version.
func readDir(path string, _ *dirScratch) ([]dirEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	out := make([]dirEntry, len(entries))
	for i, e := range entries {
		out[i] = dirEntry{name: e.Name(), typ: e.Type()}
	}
	return out, err
}
