package feed

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Write puts files into dir: each changed file is written to a temporary
// file in its own folder and renamed over the old one, so a reader never sees
// half a feed; a file whose bytes are already on disk is left alone (same
// inode, same mtime); feed files under dir that are not in files (a tag that
// disappeared) are removed, and so are their emptied folders. Files other
// than herald's feed layout are never touched. A written file's mtime is its
// Modified time when that is not zero.
//
// Every file is attempted; err joins the failures, and a file that failed
// keeps its previous contents. Write compares against the disk each time; a
// daemon keeps a Writer, which remembers what it wrote.
func Write(dir string, files []File) (written, unchanged, removed int, err error) {
	return NewWriter(dir).Write(files)
}

// Writer writes feeds into one folder and remembers what it wrote, so that
// later writes compare in memory instead of reading every file back. It is
// safe for concurrent use; writes run one at a time.
type Writer struct {
	mu      sync.Mutex
	dir     string
	last    map[string][]byte // path -> bytes on disk; nil until the first Write
	written []string          // paths the last Write wrote
	rename  func(oldpath, newpath string) error
}

// NewWriter returns a Writer for dir, which is created when missing.
func NewWriter(dir string) *Writer {
	return &Writer{dir: dir, rename: os.Rename}
}

// Write is the package-level Write, remembering what is on disk for the
// next call. A file changed or deleted behind the Writer's back is noticed
// when its size no longer matches.
func (w *Writer) Write(files []File) (written, unchanged, removed int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	same := make([]bool, len(files))
	errs := make([]error, len(files))
	w.written = nil
	parallel(len(files), ioWorkers, func(i int) error {
		same[i], errs[i] = w.same(files[i])
		if errs[i] == nil && !same[i] {
			errs[i] = w.writeFile(files[i])
		}
		return nil
	})
	next := make(map[string][]byte, len(files))
	for i, f := range files {
		switch {
		case errs[i] != nil && validPath(f.Path):
			next[f.Path] = nil // keep the old file; its bytes are compared again next time
		case errs[i] != nil:
		case same[i]:
			unchanged++
			next[f.Path] = f.Data
		default:
			written++
			next[f.Path] = f.Data
			w.written = append(w.written, f.Path)
		}
	}
	removed, err = w.removeStale(next)
	w.last = next
	return written, unchanged, removed, errors.Join(append(errs, err)...)
}

// Written returns the paths the last Write wrote: the files whose bytes
// changed (or were new), in the order of its files.
func (w *Writer) Written() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.written)
}

// ioWorkers is how many files Write handles at once: the work is mostly
// waiting for the file system, so more than the cores.
const ioWorkers = 4

// same reports whether f's bytes are already at f's path.
func (w *Writer) same(f File) (bool, error) {
	if !validPath(f.Path) {
		return false, fmt.Errorf("writing feed %q: not a clean relative path", f.Path)
	}
	full := filepath.Join(w.dir, filepath.FromSlash(f.Path))
	if old, ok := w.last[f.Path]; ok {
		info, err := os.Stat(full)
		return err == nil && info.Size() == int64(len(f.Data)) && sameBytes(old, f.Data), nil
	}
	old, err := os.ReadFile(full)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading old feed %s: %w", full, err)
	}
	return bytes.Equal(old, f.Data), nil
}

// sameBytes compares a and b, quickly when they share their backing array
// (the Builder hands back the same slices for feeds that did not change).
func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0] || bytes.Equal(a, b)
}

func validPath(p string) bool {
	return p != "" && !path.IsAbs(p) && path.Clean(p) == p && !strings.HasPrefix(p, "../") && p != ".."
}

// writeFile writes f through a temporary file and a rename.
func (w *Writer) writeFile(f File) error {
	full := filepath.Join(w.dir, filepath.FromSlash(f.Path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return fmt.Errorf("making feed folder for %s: %w", f.Path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(full), "."+filepath.Base(full)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating temporary file for %s: %w", f.Path, err)
	}
	err = fillTemp(tmp, f)
	if err == nil {
		err = w.rename(tmp.Name(), full)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing feed %s: %w", f.Path, err)
	}
	return nil
}

func fillTemp(tmp *os.File, f File) error {
	_, err := tmp.Write(f.Data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil && !f.Modified.IsZero() {
		err = os.Chtimes(tmp.Name(), f.Modified, f.Modified)
	}
	return err
}
