package post

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	var buf []byte
	for _, size := range []int{0, 1, 8191, 8192, 8193, 100_000, 3} {
		want := bytes.Repeat([]byte("abcdefg\n"), size/8+1)[:size]
		p := filepath.Join(dir, "f.md")
		if err := os.WriteFile(p, want, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readFile(p, buf, 0)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("readFile of %d bytes: %d bytes, %v", size, len(got), err)
		}
		buf = got // reused for the next, larger or smaller, file
	}
	if _, err := readFile(filepath.Join(dir, "missing.md"), buf, 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readFile(missing) = %v, want fs.ErrNotExist", err)
	}
	if _, err := readFile(dir, buf, 0); err == nil {
		t.Error("readFile(a folder) succeeded, want an error")
	}
}
