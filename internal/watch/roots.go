package watch

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
)

// scope says how a path relates to the watched roots.
type scope int

const (
	outside scope = iota // not watched: ignore its events
	direct               // a watched file, or an entry of a watched folder
	inTree               // below a recursively watched folder
)

// roots is the set of things Add was asked to watch.
type roots struct {
	mu    sync.Mutex
	trees map[string]bool // recursively watched folders
	dirs  map[string]bool // folders watched with their direct entries
	files map[string]bool // single files watched through their parent
}

func newRoots() *roots {
	return &roots{trees: map[string]bool{}, dirs: map[string]bool{}, files: map[string]bool{}}
}

func (r *roots) addTree(dir string)  { r.set(r.trees, dir) }
func (r *roots) addDir(dir string)   { r.set(r.dirs, dir) }
func (r *roots) addFile(path string) { r.set(r.files, path) }

func (r *roots) set(m map[string]bool, path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m[path] = true
}

// match reports the scope of an absolute, cleaned path. Editor temporaries
// and hidden entries (other than a file added by name) are outside.
func (r *roots) match(path string) scope {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.files[path] {
		return direct
	}
	if temporary(filepath.Base(path)) {
		return outside
	}
	for tree := range r.trees {
		if path == tree {
			return inTree
		}
		if rel, ok := below(tree, path); ok && !hiddenPath(rel) {
			return inTree
		}
	}
	if r.dirs[filepath.Dir(path)] && !hidden(filepath.Base(path)) {
		return direct
	}
	return outside
}

// list returns copies of the roots, for a full rescan.
func (r *roots) list() (trees, dirs, files []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p := range r.trees {
		trees = append(trees, p)
	}
	for p := range r.dirs {
		dirs = append(dirs, p)
	}
	for p := range r.files {
		files = append(files, p)
	}
	return trees, dirs, files
}

// below returns path relative to dir when path is strictly inside dir.
func below(dir, path string) (string, bool) {
	prefix := dir + string(filepath.Separator)
	if dir == string(filepath.Separator) {
		prefix = dir
	}
	rel, ok := strings.CutPrefix(path, prefix)
	return rel, ok && rel != ""
}

// hiddenPath reports whether any element of a relative path is hidden.
func hiddenPath(rel string) bool {
	for _, elem := range strings.Split(rel, string(filepath.Separator)) {
		if hidden(elem) {
			return true
		}
	}
	return false
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// temporary reports whether name is an editor's temporary or backup file:
// vim's swap files, backups and write test (4913), Emacs' lock and
// auto-save files, JetBrains' safe-write files and plain .tmp files.
func temporary(name string) bool {
	switch {
	case name == "4913",
		strings.HasSuffix(name, "~"),
		strings.HasSuffix(name, ".swp"),
		strings.HasSuffix(name, ".swx"),
		strings.HasSuffix(name, ".tmp"),
		strings.HasPrefix(name, ".#"),
		len(name) > 1 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"),
		strings.HasSuffix(name, "___jb_tmp___"),
		strings.HasSuffix(name, "___jb_old___"):
		return true
	}
	return false
}

// watchTree adds an OS watch on dir and every folder below it that is not
// hidden, and returns the files found there (temporaries left out). Entries
// that vanish during the walk are not errors; other failures are joined.
func (w *Watcher) watchTree(dir string) ([]string, error) {
	var files []string
	var errs []error
	walkErr := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			return nil
		}
		if path != dir && hidden(d.Name()) {
			return skipHidden(d)
		}
		if !d.IsDir() {
			if !temporary(d.Name()) {
				files = append(files, path)
			}
			return nil
		}
		if err := w.watchDir(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
		return nil
	})
	return files, errors.Join(append(errs, walkErr)...)
}

func skipHidden(d fs.DirEntry) error {
	if d.IsDir() {
		return filepath.SkipDir
	}
	return nil
}

// unwatchBelow drops the OS watches of folders at or below path, which was
// removed or renamed away (the kernel keeps watching a moved folder under
// its old name otherwise).
func (w *Watcher) unwatchBelow(path string) {
	for _, watched := range w.fsw.WatchList() {
		if _, ok := below(path, watched); ok || watched == path {
			_ = w.fsw.Remove(watched) // already gone is fine
		}
	}
}
