package feed

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
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
// their emptied folders. Nor does it replace a file it did not write (an
// index.html already in the folder, when the folder is a site's root): it
// leaves that file alone and lists it in Writer.Kept; feeds and the
// stylesheet in herald's layout are the exception, adopted from versions
// without a manifest. It never writes, reads or removes through a
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
// line, the files herald wrote there (and the gzip copies DeferGzip left
// for later): the only ones it ever removes.
const ManifestName = ".herald-files"

// Writer writes feeds into one folder and remembers what it wrote (sizes,
// SHA-256 sums and mtimes, not the bytes), so that later writes compare in
// memory instead of reading every file back. Beside each file whose
// compression pays it writes the gzip copy (GzSuffix), with the same mtime.
// It is safe for concurrent use; writes run one at a time.
type Writer struct {
	mu      sync.Mutex
	dir     string
	last    map[string]onDisk // path -> what is on disk; nil until the first Write
	written []string          // paths the last Write wrote
	kept    []string          // paths the last Write left alone: see Kept
	rename  func(oldpath, newpath string) error
	now     func() time.Time
	// manifest is what ManifestName lists, as last read or written.
	manifest map[string]bool

	deferGz bool                 // see DeferGzip
	pending map[string]pendingGz // files whose gzip copy CompressPending is to write, by path
}

// pendingGz is a file written without its gzip copy: its bytes' sum and
// mtime, which the copy is made from and given.
type pendingGz struct {
	sum [32]byte
	mod time.Time
}

// DeferGzip makes Write and BuildTo leave out the gzip copies of the files
// they write (the old copy of a changed file is still removed first), for
// CompressPending to write later: a daemon serves a changed feed at once,
// uncompressed to every client for the moment until its copy is there,
// instead of waiting for the compression. Call it before the first Write.
func (w *Writer) DeferGzip() { w.deferGz = true }

// onDisk is what a Writer knows of a file it wrote or found: its size,
// SHA-256 sum (known false after a failed write: compare the bytes again)
// and mtime, and the size of its gzip copy (0: none).
type onDisk struct {
	size  int64
	sum   [32]byte
	known bool
	mod   time.Time
	gz    int64
}

// NewWriter returns a Writer for dir, which is created when missing.
func NewWriter(dir string) *Writer {
	return &Writer{dir: dir, rename: os.Rename, now: time.Now}
}

// SetClock makes the Writer stamp the files it writes with now() instead of
// the system clock. Call it before the first Write.
func (w *Writer) SetClock(now func() time.Time) { w.now = now }

// Dir is the folder the Writer writes into.
func (w *Writer) Dir() string { return w.dir }

// Write is the package-level Write, remembering what is on disk for the
// next call. A file changed or deleted behind the Writer's back is noticed
// when its size no longer matches. Write sets Modified, Disk, Size, Sum and
// GzSize of each file it wrote or found unchanged.
func (w *Writer) Write(files []File) (written, unchanged, removed int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	run, err := w.begin(files)
	if err != nil {
		return 0, 0, 0, err
	}
	parallel(len(files), ioWorkers, func(i int) error {
		run.put(&files[i], i)
		return nil
	})
	return run.finish(files)
}

// writeRun is one Write in progress: begin, put each file (from several
// goroutines), finish.
type writeRun struct {
	w       *Writer
	owned   map[string]bool
	dirErrs map[string]error
	now     time.Time
	res     []putResult
}

// putResult is what put did with one file.
type putResult struct {
	theirs    bool // a file herald did not write is there: left alone (see Writer.theirs)
	same      bool // the bytes were on disk already
	disk      onDisk
	err       error
	gzPending bool // its gzip copy is left for CompressPending
	compared  bool // its bytes were given (not a File kept without them)
}

// begin starts a write of files (their paths; Data may still be nil) with
// w.mu held: reads the manifest and makes the folders.
func (w *Writer) begin(files []File) (*writeRun, error) {
	owned, err := w.owned()
	if err != nil {
		return nil, err
	}
	w.written, w.kept = nil, nil
	return &writeRun{w: w, owned: owned, dirErrs: w.prepareDirs(files), now: w.now(), res: make([]putResult, len(files))}, nil
}

// put writes file i (f, with its Data) unless its bytes are on disk
// already, with its gzip copy, and fills in f's disk fields. A File with
// nil Data and a Size is one the caller knows unchanged (see intact): put
// keeps it. Safe to call for different i at once.
func (r *writeRun) put(f *File, i int) {
	w := r.w
	res := &r.res[i]
	if res.err = r.dirErrs[path.Dir(f.Path)]; res.err != nil {
		return
	}
	if res.theirs = w.theirs(r.owned, f.Path); res.theirs {
		return
	}
	if f.Data == nil && f.Size > 0 {
		old := w.last[f.Path]
		res.same, res.disk = true, old
		f.Modified, f.Disk, f.GzSize = old.mod, w.full(f.Path), old.gz
		return
	}
	res.compared = true
	sum := sha256.Sum256(f.Data)
	var prev time.Time
	res.same, prev, res.err = w.same(*f, sum)
	if res.err != nil {
		return
	}
	var d onDisk
	if res.same {
		d, res.gzPending, res.err = w.keepGzip(*f, sum, prev)
	} else {
		d, res.gzPending, res.err = w.writeFile(*f, sum, stamp(r.now, prev))
	}
	if res.err != nil {
		return
	}
	res.disk = d
	f.Modified, f.Disk, f.Size, f.Sum, f.GzSize = d.mod, w.full(f.Path), d.size, d.sum, d.gz
}

// finish records what the puts did, removes the files of the last write
// that files no longer hold, saves the manifest and returns the counts.
func (r *writeRun) finish(files []File) (written, unchanged, removed int, err error) {
	w := r.w
	next := make(map[string]onDisk, len(files))
	errs := make([]error, 0, 1)
	for i, f := range files {
		res := r.res[i]
		switch {
		case res.theirs:
			w.kept = append(w.kept, f.Path)
		case res.err != nil && validPath(f.Path):
			next[f.Path] = onDisk{} // keep the old file; its bytes are compared again next time
			if old, ok := w.last[f.Path]; ok && old.gz > 0 {
				next[f.Path] = onDisk{gz: old.gz} // and its gzip copy, which is owned too
			}
			errs = append(errs, res.err)
		case res.err != nil:
			errs = append(errs, res.err)
		case res.same:
			unchanged++
			next[f.Path] = res.disk
		default:
			written++
			next[f.Path] = res.disk
			w.written = append(w.written, f.Path)
		}
		if res.err == nil && res.compared {
			if res.gzPending {
				if w.pending == nil {
					w.pending = map[string]pendingGz{}
				}
				w.pending[f.Path] = pendingGz{res.disk.sum, res.disk.mod}
			} else {
				delete(w.pending, f.Path)
			}
		}
	}
	removed, err = w.removeStale(r.owned, next)
	w.last = next
	if merr := w.saveManifest(next); merr != nil {
		err = errors.Join(err, merr)
	}
	return written, unchanged, removed, errors.Join(append(errs, err)...)
}

// intact reports whether the file the last write left at rel is still
// there as written (same size and mtime, and its gzip copy too), so that
// a caller may pass it again without its bytes. Call with w.mu held.
func (w *Writer) intact(rel string) bool {
	old, ok := w.last[rel]
	if !ok || !old.known {
		return false
	}
	info, err := os.Lstat(w.full(rel))
	if err != nil || !info.Mode().IsRegular() || info.Size() != old.size || !info.ModTime().Equal(old.mod) {
		return false
	}
	if old.gz > 0 {
		info, err := os.Lstat(w.full(rel) + GzSuffix)
		if err != nil || !info.Mode().IsRegular() || info.Size() != old.gz || !info.ModTime().Equal(old.mod) {
			return false
		}
	}
	return true
}

func (w *Writer) full(rel string) string { return filepath.Join(w.dir, filepath.FromSlash(rel)) }

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

// theirs reports whether path holds a file herald did not write and must
// not replace: any file not in owned, but for the feeds and stylesheet of
// herald's layout, which versions without a manifest wrote (they are
// adopted). The HTML view, index.html, is such a file when the output
// folder is a web site's root.
func (w *Writer) theirs(owned map[string]bool, p string) bool {
	if owned[p] || !validPath(p) || isLayoutFeed(p) {
		return false
	}
	info, err := os.Lstat(filepath.Join(w.dir, filepath.FromSlash(p)))
	return err == nil && info.Mode().IsRegular()
}

// isLayoutFeed reports whether p is a feed or the stylesheet where herald
// puts them: at the top, or in tags/<slug>/ and authors/<key>/.
func isLayoutFeed(p string) bool {
	dir, name := path.Split(p)
	switch name {
	case "rss.xml", "atom.xml", "feed.json":
	case StylesheetPath:
		return dir == ""
	default:
		return false
	}
	parts := strings.Split(strings.TrimSuffix(dir, "/"), "/")
	return dir == "" || len(parts) == 2 && (parts[0] == "tags" || parts[0] == "authors")
}

// Kept returns the paths the last Write left alone because a file herald
// did not write was there (see Write).
func (w *Writer) Kept() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.kept)
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

// same reports whether f's bytes (of SHA-256 sum) are already at f's path,
// with the mtime of the file there (zero when there is none).
func (w *Writer) same(f File, sum [32]byte) (bool, time.Time, error) {
	if !validPath(f.Path) {
		return false, time.Time{}, fmt.Errorf("writing feed %q: not a clean relative path", f.Path)
	}
	full := w.full(f.Path)
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
	if old, ok := w.last[f.Path]; ok && old.known {
		return info.Size() == int64(len(f.Data)) && old.sum == sum, info.ModTime(), nil
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("reading old feed %s: %w", full, err)
	}
	return bytes.Equal(data, f.Data), info.ModTime(), nil
}

// gzipLevel is the compression of the gzip copies: written once per
// change and sent many times, but on the path from an edit to the served
// feed, so a fast level (about a fifth larger than the best, at several
// times its speed).
const gzipLevel = gzip.BestSpeed

// gzipWriters are reused: each holds about a megabyte of compressor state,
// which thousands of copies would otherwise make as garbage.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzipLevel) // a valid level
	return zw
}}

// gzipOf returns the gzip copy of data, or nil when it is not smaller.
func gzipOf(data []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(data)/4 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	zw.Write(data) // writes to a bytes.Buffer do not fail
	zw.Close()
	if buf.Len() >= len(data) {
		return nil
	}
	return buf.Bytes()
}

// keepGzip checks, for a file whose bytes are on disk already with mtime
// mod, that its gzip copy is there too (same mtime, the size last
// written), writing it when not: a folder written by an older herald, or
// a copy removed by hand.
func (w *Writer) keepGzip(f File, sum [32]byte, mod time.Time) (d onDisk, pending bool, err error) {
	d = onDisk{size: int64(len(f.Data)), sum: sum, known: true, mod: mod}
	gzFull := w.full(f.Path) + GzSuffix
	info, lerr := os.Lstat(gzFull)
	if lerr == nil && info.Mode().IsRegular() && info.ModTime().Equal(mod) {
		if old, ok := w.last[f.Path]; !ok || !old.known || old.gz == info.Size() {
			d.gz = info.Size()
			return d, false, nil
		}
	}
	if old, ok := w.pending[f.Path]; ok && old.sum == sum && old.mod.Equal(mod) {
		return d, true, nil // still waiting for CompressPending
	}
	if lerr == nil && info.Mode().IsRegular() {
		os.Remove(gzFull) // a copy of other bytes
	}
	if w.deferGz {
		return d, true, nil
	}
	gz := gzipOf(f.Data)
	if gz == nil {
		return d, false, nil
	}
	if err := w.writeTemp(gzFull, gz, mod, true); err != nil {
		return onDisk{}, false, fmt.Errorf("writing feed %s%s: %w", f.Path, GzSuffix, err)
	}
	d.gz = int64(len(gz))
	return d, false, nil
}

// writeFile writes f and its gzip copy through temporary files and
// renames, both with mtime mod. The old gzip copy goes first, so that a
// static server never pairs it with the new file; the new copy follows the
// file.
func (w *Writer) writeFile(f File, sum [32]byte, mod time.Time) (onDisk, bool, error) {
	full := w.full(f.Path)
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return onDisk{}, false, fmt.Errorf("making feed folder for %s: %w", f.Path, err)
	}
	if info, err := os.Lstat(full + GzSuffix); err == nil && info.Mode().IsRegular() {
		if err := os.Remove(full + GzSuffix); err != nil {
			return onDisk{}, false, fmt.Errorf("writing feed %s: removing its old gzip copy: %w", f.Path, err)
		}
	}
	if err := w.writeTemp(full, f.Data, mod, false); err != nil {
		return onDisk{}, false, fmt.Errorf("writing feed %s: %w", f.Path, err)
	}
	d := onDisk{size: int64(len(f.Data)), sum: sum, known: true, mod: mod}
	if w.deferGz {
		return d, true, nil
	}
	if gz := gzipOf(f.Data); gz != nil {
		if err := w.writeTemp(full+GzSuffix, gz, mod, true); err != nil {
			return d, false, fmt.Errorf("writing feed %s%s: %w", f.Path, GzSuffix, err)
		}
		d.gz = int64(len(gz))
	}
	return d, false, nil
}

// CompressPending writes the gzip copies DeferGzip left out, up to max of
// them (all when max <= 0), on every core, each with its file's mtime,
// and returns the size of each copy written by path (a file whose
// compression does not pay gets none, and is not listed). A file that
// changed since, or went away, is skipped: its copy is the next write's.
// more reports whether copies are still pending.
func (w *Writer) CompressPending(max int) (written map[string]int64, more bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	paths := slices.Sorted(maps.Keys(w.pending))
	if max > 0 && len(paths) > max {
		paths = paths[:max]
	}
	sizes := make([]int64, len(paths))
	errs := make([]error, len(paths))
	parallel(len(paths), runtime.GOMAXPROCS(0), func(i int) error {
		p := w.pending[paths[i]]
		if d, ok := w.last[paths[i]]; !ok || !d.known || d.sum != p.sum || !d.mod.Equal(p.mod) {
			return nil // rewritten or removed since
		}
		sizes[i], errs[i] = compressFile(w.full(paths[i]), p)
		return nil
	})
	written = map[string]int64{}
	for i, p := range paths {
		delete(w.pending, p)
		if sizes[i] > 0 {
			d := w.last[p]
			d.gz = sizes[i]
			w.last[p] = d
			written[p] = sizes[i]
		}
		if errs[i] != nil {
			errs[i] = fmt.Errorf("writing feed %s%s: %w", p, GzSuffix, errs[i])
		}
	}
	if len(paths) > 0 { // a copy that was not written is no longer owned
		errs = append(errs, w.saveManifest(w.last))
	}
	return written, len(w.pending) > 0, errors.Join(errs...)
}

// compressFile writes the gzip copy of the file full, streaming it from
// the disk (no copy of the file in memory), and returns its size: 0 when
// the file no longer has p's bytes (the next write notices) or when the
// copy would not be smaller.
func compressFile(full string, p pendingGz) (int64, error) {
	src, err := os.Open(full)
	if err != nil {
		return 0, nil // gone: the next write notices
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(full), "."+filepath.Base(full)+GzSuffix+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("creating temporary file: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(tmp)
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	n, err := io.CopyBuffer(zw, io.TeeReader(src, h), *buf)
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return 0, err
	}
	info, err := tmp.Stat()
	if err != nil {
		return 0, err
	}
	if [32]byte(h.Sum(nil)) != p.sum || info.Size() >= n {
		return 0, nil // other bytes, or compression does not pay
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	keep = true
	err = os.Chmod(tmp.Name(), 0o644)
	if err == nil {
		err = os.Chtimes(tmp.Name(), p.mod, p.mod)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), full+GzSuffix)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return 0, err
	}
	return info.Size(), nil
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// Pending reports whether CompressPending has copies to write.
func (w *Writer) Pending() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pending) > 0
}

// writeTemp puts data at full through a temporary file in its folder and
// a rename (os.Rename for a gzip copy, w.rename for a file), with mtime
// mod.
func (w *Writer) writeTemp(full string, data []byte, mod time.Time, gz bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(full), "."+filepath.Base(full)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating temporary file: %w", err)
	}
	err = fillTemp(tmp, data, mod)
	if err == nil {
		if gz {
			err = os.Rename(tmp.Name(), full)
		} else {
			err = w.rename(tmp.Name(), full)
		}
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
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
