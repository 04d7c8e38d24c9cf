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
	"time"
)

// Write puts files into dir: each changed file is written to a temporary
// file in its own folder and renamed over the old one, so a reader never sees
// half a feed; a file whose bytes are already on disk is left alone (same
// inode, same mtime). A written file's mtime is the time of the write (a
// second after the old one at least, so that it always moves forward), and
// Write sets each File's Modified to its file's mtime: the time its bytes
// last changed, which a restart finds again on disk.
//
// Write removes only files it wrote: the feeds of an earlier Write that are
// not in files (a tag that disappeared), listed in dir's ManifestName, and
// their emptied folders. It never writes, reads or removes through a
// symbolic link below dir: a feed whose folder is one (tags pointing
// elsewhere) fails with an error naming it.
//
// Every file is attempted; err joins the failures, and a file that failed
// keeps its previous contents. Write compares against the disk each time; a
// daemon keeps a Writer, which remembers what it wrote.
func Write(dir string, files []File) (written, unchanged, removed int, err error) {
	return NewWriter(dir).Write(files)
}

// ManifestName is the file in the output folder listing, one slash path a
// line, the files herald wrote there: the only ones it ever removes.
const ManifestName = ".herald-files"

// Writer writes feeds into one folder and remembers what it wrote, so that
// later writes compare in memory instead of reading every file back. It is
// safe for concurrent use; writes run one at a time.
type Writer struct {
	mu      sync.Mutex
	dir     string
	last    map[string]onDisk // path -> what is on disk; nil until the first Write
	written []string          // paths the last Write wrote
	rename  func(oldpath, newpath string) error
	now     func() time.Time
	// manifest is what ManifestName lists, as last read or written.
	manifest map[string]bool
}

// onDisk is what a Writer knows of a file it wrote or found: its bytes (nil
// when unknown, after a failed write) and its mtime.
type onDisk struct {
	data []byte
	mod  time.Time
}

// NewWriter returns a Writer for dir, which is created when missing.
func NewWriter(dir string) *Writer {
	return &Writer{dir: dir, rename: os.Rename, now: time.Now}
}

// SetClock makes the Writer stamp the files it writes with now() instead of
// the system clock. Call it before the first Write.
func (w *Writer) SetClock(now func() time.Time) { w.now = now }

// Write is the package-level Write, remembering what is on disk for the
// next call. A file changed or deleted behind the Writer's back is noticed
// when its size no longer matches.
func (w *Writer) Write(files []File) (written, unchanged, removed int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	owned, err := w.owned()
	if err != nil {
		return 0, 0, 0, err
	}
	dirErrs := w.prepareDirs(files)
	same := make([]bool, len(files))
	errs := make([]error, len(files))
	mods := make([]time.Time, len(files))
	w.written = nil
	now := w.now()
	parallel(len(files), ioWorkers, func(i int) error {
		if errs[i] = dirErrs[path.Dir(files[i].Path)]; errs[i] != nil {
			return nil
		}
		same[i], mods[i], errs[i] = w.same(files[i])
		if errs[i] == nil && !same[i] {
			mods[i], errs[i] = w.writeFile(files[i], stamp(now, mods[i]))
		}
		return nil
	})
	next := make(map[string]onDisk, len(files))
	for i, f := range files {
		switch {
		case errs[i] != nil && validPath(f.Path):
			next[f.Path] = onDisk{} // keep the old file; its bytes are compared again next time
		case errs[i] != nil:
		case same[i]:
			unchanged++
			next[f.Path] = onDisk{f.Data, mods[i]}
			files[i].Modified = mods[i]
		default:
			written++
			next[f.Path] = onDisk{f.Data, mods[i]}
			files[i].Modified = mods[i]
			w.written = append(w.written, f.Path)
		}
	}
	removed, err = w.removeStale(owned, next)
	w.last = next
	if merr := w.saveManifest(next); merr != nil {
		err = errors.Join(err, merr)
	}
	return written, unchanged, removed, errors.Join(append(errs, err)...)
}

// stamp is the mtime of a file written at now whose previous mtime was
// prev (zero for a new file): now to the second, as HTTP dates are, and
// later than prev, so that a client holding the old Last-Modified always
// sees a newer one.
func stamp(now, prev time.Time) time.Time {
	t := now.Truncate(time.Second)
	if p := prev.Truncate(time.Second); !prev.IsZero() && !t.After(p) {
		t = p.Add(time.Second)
	}
	return t
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

// same reports whether f's bytes are already at f's path, with the mtime
// of the file there (zero when there is none).
func (w *Writer) same(f File) (bool, time.Time, error) {
	if !validPath(f.Path) {
		return false, time.Time{}, fmt.Errorf("writing feed %q: not a clean relative path", f.Path)
	}
	full := filepath.Join(w.dir, filepath.FromSlash(f.Path))
	info, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("reading old feed %s: %w", full, err)
	}
	if !info.Mode().IsRegular() {
		return false, time.Time{}, nil // a link or a folder: the write replaces or reports it
	}
	if old, ok := w.last[f.Path]; ok && old.data != nil {
		return info.Size() == int64(len(f.Data)) && sameBytes(old.data, f.Data), info.ModTime(), nil
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("reading old feed %s: %w", full, err)
	}
	return bytes.Equal(data, f.Data), info.ModTime(), nil
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

// prepareDirs makes the folders files go into, one at a time, and returns
// the error of each folder (by slash path) that is not a real folder below
// the output folder: a symbolic link there is never followed.
func (w *Writer) prepareDirs(files []File) map[string]error {
	errs := map[string]error{}
	checked := map[string]bool{".": true}
	for _, f := range files {
		if !validPath(f.Path) {
			continue
		}
		for _, d := range parents(path.Dir(f.Path)) {
			if checked[d] {
				continue
			}
			checked[d] = true
			if parent := path.Dir(d); errs[parent] != nil {
				errs[d] = errs[parent] // never look through a link
			} else if err := w.realDir(d); err != nil {
				errs[d] = err
			}
		}
	}
	return errs
}

// parents lists dir and the folders above it, outermost first: "tags/go"
// gives "tags", "tags/go"; "." gives none.
func parents(dir string) []string {
	if dir == "." {
		return nil
	}
	return append(parents(path.Dir(dir)), dir)
}

// realDir makes the folder rel when missing and fails when it is a symbolic
// link or not a folder.
func (w *Writer) realDir(rel string) error {
	full := filepath.Join(w.dir, filepath.FromSlash(rel))
	info, err := os.Lstat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(full, 0o755); err != nil {
			return fmt.Errorf("making feed folder %s: %w", full, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("checking feed folder %s: %w", full, err)
	case info.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("feed folder %s is a symbolic link: herald does not write through links; make it a real folder, or point feeds.output_dir at the link's target", full)
	case !info.IsDir():
		return fmt.Errorf("feed folder %s is a file, not a folder", full)
	}
	return nil
}

// writeFile writes f through a temporary file and a rename, with mtime mod.
func (w *Writer) writeFile(f File, mod time.Time) (time.Time, error) {
	full := filepath.Join(w.dir, filepath.FromSlash(f.Path))
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return time.Time{}, fmt.Errorf("making feed folder for %s: %w", f.Path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(full), "."+filepath.Base(full)+".tmp-*")
	if err != nil {
		return time.Time{}, fmt.Errorf("creating temporary file for %s: %w", f.Path, err)
	}
	err = fillTemp(tmp, f.Data, mod)
	if err == nil {
		err = w.rename(tmp.Name(), full)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return time.Time{}, fmt.Errorf("writing feed %s: %w", f.Path, err)
	}
	return mod, nil
}

func fillTemp(tmp *os.File, data []byte, mod time.Time) error {
	_, err := tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Chtimes(tmp.Name(), mod, mod)
	}
	return err
}
