package watch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/heraldhq/herald/internal/linkrule"
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
// hidden, and returns the files found there (temporaries left out).
// Symbolic links follow linkrule, as the post loader does: a link to a
// folder outside the tree is watched through the link (its events carry
// the link's path); any other link is reported as a file, for the loader
// to skip with a note. Entries that vanish during the walk are not errors;
// other failures are joined.
func (w *Watcher) watchTree(dir string) ([]string, error) {
	t := treeWalk{w: w, walking: w.roots.linksOn(dir)}
	t.walk(dir)
	return t.files, errors.Join(t.errs...)
}

// treeWalk is one watchTree.
type treeWalk struct {
	w       *Watcher
	walking []string // the tree's root, then the linked folders the walk is in
	files   []string
	errs    []error
}

func (t *treeWalk) walk(dir string) {
	if err := t.w.watchDir(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.errs = append(t.errs, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.errs = append(t.errs, err)
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case hidden(e.Name()):
		case e.IsDir():
			t.walk(path)
		case e.Type()&fs.ModeSymlink != 0 && t.linkedDir(path):
			t.walking = append(t.walking, path)
			t.walk(path)
			t.walking = t.walking[:len(t.walking)-1]
		case !temporary(e.Name()):
			t.files = append(t.files, path)
		}
	}
}

// linkedDir reports whether the link at path is a folder to watch
// through.
func (t *treeWalk) linkedDir(path string) bool {
	target, err := linkrule.Check(t.walking, path)
	if err != nil {
		return false
	}
	info, err := os.Stat(target)
	return err == nil && info.IsDir()
}

// linksOn returns the tree that holds path and the symbolic links on the
// way from it to path, outermost first.
func (r *roots) linksOn(path string) []string {
	r.mu.Lock()
	var root string
	for tree := range r.trees {
		if _, ok := below(tree, path); (ok || tree == path) && len(tree) > len(root) {
			root = tree
		}
	}
	r.mu.Unlock()
	if root == "" {
		return []string{path}
	}
	walking := []string{root}
	rel, _ := below(root, path)
	abs := root
	for elem := range strings.SplitSeq(rel, string(filepath.Separator)) {
		if elem == "" {
			continue
		}
		abs = filepath.Join(abs, elem)
		if info, err := os.Lstat(abs); err == nil && info.Mode()&fs.ModeSymlink != 0 {
			walking = append(walking, abs)
		}
	}
	return walking
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
