package post

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// TestReadDirAsOS: readDir lists what os.ReadDir lists, with the same
// types, over more names than one getdents buffer holds.
func TestReadDirAsOS(t *testing.T) {
	dir := t.TempDir()
	for i := range 1500 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("post-%04d-%s.md", i, "with-a-long-name-to-fill-buffers")), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"bundle", ".hidden", "café ünïcode"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("bundle", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere", filepath.Join(dir, "dangling.md")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.md"), 0o644); err != nil {
		t.Log("no fifo:", err)
	}
	want, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf dirScratch
	got, err := readDir(dir, &buf)
	if err != nil {
		t.Fatal(err)
	}
	type nt struct {
		name string
		typ  fs.FileMode
	}
	var g, w []nt
	for _, e := range got {
		g = append(g, nt{e.name, e.typ})
	}
	for _, e := range want {
		w = append(w, nt{e.Name(), e.Type()})
	}
	cmp := func(a, b nt) int {
		if a.name < b.name {
			return -1
		}
		if a.name > b.name {
			return 1
		}
		return 0
	}
	slices.SortFunc(g, cmp)
	slices.SortFunc(w, cmp)
	if !slices.Equal(g, w) {
		t.Errorf("readDir lists %d entries, os.ReadDir %d; first difference at %v", len(g), len(w), firstDiff(g, w))
	}

	if _, err := readDir(filepath.Join(dir, "missing"), &buf); !os.IsNotExist(err) {
		t.Errorf("readDir(missing) = %v, want a not-exist error", err)
	}
	file := filepath.Join(dir, "post-0001-with-a-long-name-to-fill-buffers.md")
	if _, err := readDir(file, &buf); err == nil {
		t.Error("readDir(a file) succeeded")
	}
}

func firstDiff[T comparable](a, b []T) any {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return [2]T{a[i], b[i]}
		}
	}
	return "length"
}
