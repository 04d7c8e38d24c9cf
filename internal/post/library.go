package post

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/heraldhq/herald/internal/linkrule"
)

// Library is the set of posts in a folder, kept current by Update. Snapshot
// may be called at any time from any goroutine; Load and Update serialise
// with each other.
type Library struct {
	r    *reader
	dir  string // Options.Dir, cleaned
	mu   sync.Mutex
	snap atomic.Pointer[Snapshot]
}

// NewLibrary returns an empty Library for opts; call Load to read the
// folder. Options are checked by Load. A relative Dir is taken from the
// working directory now.
func NewLibrary(opts Options) *Library {
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		dir = filepath.Clean(opts.Dir) // no working directory: keep the path as given
	}
	l := &Library{r: newReader(opts), dir: dir}
	l.snap.Store(&Snapshot{})
	l.r.lookup = func(ref string) string { return l.r.find(l.Snapshot(), ref) }
	return l
}

// Snapshot returns the current immutable view; never nil (empty before
// Load). Cheap: no copying.
func (l *Library) Snapshot() *Snapshot { return l.snap.Load() }

// Load reads every post under Options.Dir (hidden files and folders and
// Hugo's _index.md are skipped), parsing files in parallel, and replaces the
// snapshot. A file that cannot be parsed is a Problem in the snapshot, not
// an error; the error is for bad Options, an unreadable folder, or ctx.
func (l *Library) Load(ctx context.Context) error {
	if err := l.r.opts.Check(); err != nil {
		return fmt.Errorf("load posts: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c, byDate, err := l.parseTree(ctx, "")
	if err != nil {
		return fmt.Errorf("load posts from %s: %w", l.dir, err)
	}
	s := &Snapshot{byPath: c.posts, byDate: byDate, problems: c.problems}
	sortProblems(s.problems)
	l.r.checkRefs(s, c.posts)
	l.snap.Store(s)
	return nil
}

// Update reads the given paths again (absolute, or relative to the working
// directory, like Options.Dir): a post file is parsed anew,
// a path that no longer exists (or is now a folder) drops the posts read
// from it, and a folder is scanned again with everything under it. Paths
// outside Options.Dir, hidden paths and non-Markdown files are ignored.
// It reports whether the snapshot changed; an unreadable file becomes a
// Problem.
func (l *Library) Update(paths []string) (changed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var c change
	for _, p := range paths {
		l.collect(p, &c)
	}
	if len(c.scopes) == 0 {
		return false
	}
	old := l.snap.Load()
	next, gone, came, changed := old.apply(c)
	if changed {
		l.r.checkRefs(next, came)
		l.r.renewLinking(next, gone, came)
		l.snap.Store(next)
	}
	return changed
}

// change is what an Update puts in place of the posts inside its scopes.
type change struct {
	scopes   []scope
	posts    []*Post
	problems []Problem
}

// collect adds what is now at the absolute path p to c.
func (l *Library) collect(p string, c *change) {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	rel, err := filepath.Rel(l.dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		rel = ""
	}
	if rel != "" && hiddenPath(rel) {
		return
	}
	if info, err := os.Lstat(p); err == nil && rel != "" && info.Mode()&fs.ModeSymlink != 0 {
		if _, err := linkrule.Check(l.linksOn(path.Dir(rel)), p); err != nil {
			c.scopes = append(c.scopes, scope{rel: rel}, scope{rel: rel, dir: true})
			if isPostFile(rel) || !strings.Contains(err.Error(), "nowhere") {
				c.problems = append(c.problems, Problem{Path: rel, Msg: err.Error(), Note: true})
			}
			return
		}
	}
	info, err := os.Stat(p)
	if err == nil && info.IsDir() {
		sub, _, _ := l.parseTree(context.Background(), rel) // an unreadable folder leaves its posts out
		c.scopes = append(c.scopes, scope{rel: rel, dir: true}, scope{rel: rel})
		c.posts, c.problems = append(c.posts, sub.posts...), append(c.problems, sub.problems...)
		return
	}
	c.scopes = append(c.scopes, scope{rel: rel}, scope{rel: rel, dir: true})
	if err == nil && isPostFile(rel) {
		l.parseInto(nil, rel, c, nil, false) // held: the file may change again before it is rendered
	}
}

// isPostFile reports whether rel names a Markdown post: .md or .markdown,
// not hidden, not a Hugo section page (_index.md).
func isPostFile(rel string) bool {
	name := rel[strings.LastIndexByte(rel, '/')+1:]
	ext := filepath.Ext(name)
	return (ext == ".md" || ext == ".markdown") && name != "_index.md" && !hiddenPath(rel)
}

func hiddenPath(rel string) bool {
	return strings.HasPrefix(rel, ".") || strings.Contains(rel, "/.")
}

func sortProblems(ps []Problem) {
	slices.SortFunc(ps, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
}
