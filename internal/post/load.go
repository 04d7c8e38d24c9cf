package post

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/heraldhq/herald/internal/linkrule"
)

// walkBatch is how many file names the walker hands the parsers at once.
const walkBatch = 64

// parseTree parses every post file under the folder rel ("" for Dir
// itself) while walking it: one goroutine lists the files and one worker
// per GOMAXPROCS reads and parses them, so listing overlaps parsing. The
// posts read their bodies lazily and come sorted by path; byDate holds
// them newest first (see parseAll). The error is the walk's (what was
// parsed before it is still returned) or ctx's.
func (l *Library) parseTree(ctx context.Context, rel string) (c change, byDate []*Post, err error) {
	batches := make(chan []string, 16)
	var walkErr error
	var notes []Problem
	go func() {
		defer close(batches)
		notes, walkErr = l.walk(rel, func(rels []string) { batches <- rels })
	}()
	dir, err := openFolder(l.dir)
	if err == nil {
		defer dir.close()
	} // else the walk reports it
	c, byDate = l.parseAll(ctx, dir, batches)
	c.problems = append(c.problems, notes...) // parseAll drained batches: the walk is over
	return c, byDate, errors.Join(walkErr, ctx.Err())
}

// parseAll parses the files of every batch with one worker per GOMAXPROCS,
// each with its own read buffer, until batches is closed; after ctx is done
// it drains batches without parsing. The posts come sorted by path, and
// byDate holds them newest first (the orders of a Snapshot): each worker
// sorts its own share both ways, in parallel, and the shares are merged.
func (l *Library) parseAll(ctx context.Context, dir *folder, batches <-chan []string) (all change, byDate []*Post) {
	parts := make([]change, runtime.GOMAXPROCS(0))
	dates := make([][]*Post, len(parts))
	var wg sync.WaitGroup
	for w := range parts {
		wg.Go(func() {
			var buf []byte
			for rels := range batches {
				for _, rel := range rels {
					if ctx.Err() == nil {
						buf = l.parseInto(dir, rel, &parts[w], buf, true)
					}
				}
			}
			slices.SortFunc(parts[w].posts, byPathOrder)
			dates[w] = slices.Clone(parts[w].posts)
			slices.SortFunc(dates[w], newer)
		})
	}
	wg.Wait()
	paths := make([][]*Post, len(parts))
	for w, p := range parts {
		paths[w], all.problems = p.posts, append(all.problems, p.problems...)
	}
	return change{posts: mergeSorted(paths, byPathOrder), problems: all.problems}, mergeSorted(dates, newer)
}

// mergeSorted merges lists, each sorted by cmp, into one sorted list (nil
// when they are all empty), in pairs.
func mergeSorted(lists [][]*Post, cmp func(a, b *Post) int) []*Post {
	for len(lists) > 1 {
		var next [][]*Post
		for i := 0; i < len(lists); i += 2 {
			if i+1 == len(lists) {
				next = append(next, lists[i])
				break
			}
			a, b := lists[i], lists[i+1]
			m := make([]*Post, 0, len(a)+len(b))
			for len(a) > 0 && len(b) > 0 {
				if cmp(b[0], a[0]) < 0 {
					m, b = append(m, b[0]), b[1:]
				} else {
					m, a = append(m, a[0]), a[1:]
				}
			}
			next = append(next, append(append(m, a...), b...))
		}
		lists = next
	}
	if len(lists) == 0 || len(lists[0]) == 0 {
		return nil
	}
	return lists[0]
}

// parseInto reads and parses one file into c, from dir when not nil. buf
// is a read buffer the caller reuses (it is returned, perhaps grown); lazy
// posts keep only where their body is in the file and read it again when
// rendered, others keep a copy of it.
func (l *Library) parseInto(dir *folder, rel string, c *change, buf []byte, lazy bool) []byte {
	var data []byte
	var err error
	limit := l.r.opts.maxSize()
	if dir != nil {
		data, err = dir.readFile(rel, buf, limit)
	} else {
		data, err = readFile(filepath.Join(l.dir, filepath.FromSlash(rel)), buf, limit)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return buf // gone between the walk and the read
	}
	if errors.Is(err, errFileTooLarge) {
		c.problems = append(c.problems, Problem{Path: rel,
			Msg: fmt.Sprintf("skipped: the file is larger than %d bytes (posts.max_size)", limit)})
		return buf
	}
	if err != nil {
		c.problems = append(c.problems, Problem{Path: rel, Msg: "read: " + err.Error()})
		return buf
	}
	p, err := l.r.parse(rel, data)
	if err == ErrNotPost {
		return data
	}
	if err != nil {
		c.problems = append(c.problems, err.(Problem))
		return data
	}
	// The body is a suffix of data, which the next read overwrites; the
	// post is not shared yet, so its lazyBody is changed in place.
	b := p.impl.body
	if lazy {
		*b = lazyBody{dir: l.dir, rel: p.Path, off: len(data) - len(b.held)}
	} else {
		b.held = bytes.Clone(b.held)
	}
	c.posts = append(c.posts, p)
	return data
}

// walk lists the post files under the folder rel ("" for Dir itself), as
// slash-separated paths relative to Dir, handing them to emit in batches,
// in no particular order. Hidden files and folders are skipped. Symbolic
// links follow linkrule: one that leads outside Dir is followed (a file,
// or a folder walked as if it were in Dir), any other is skipped with a
// note, returned.
func (l *Library) walk(rel string, emit func([]string)) ([]Problem, error) {
	w := walker{emit: emit, rels: make([]string, 0, walkBatch), walking: l.linksOn(rel)}
	err := w.dir(filepath.Join(l.dir, filepath.FromSlash(rel)), rel)
	if len(w.rels) > 0 {
		emit(w.rels)
	}
	return w.notes, err
}

// linksOn returns Dir and the linked folders on the way from Dir to the
// folder rel, outermost first: what a walk of rel is inside of.
func (l *Library) linksOn(rel string) []string {
	walking := []string{l.dir}
	abs := l.dir
	for elem := range strings.SplitSeq(rel, "/") {
		if elem == "" || elem == "." {
			continue
		}
		abs = filepath.Join(abs, elem)
		if info, err := os.Lstat(abs); err == nil && info.Mode()&fs.ModeSymlink != 0 {
			walking = append(walking, abs)
		}
	}
	return walking
}

// walker lists one folder tree for walk.
type walker struct {
	emit    func([]string)
	rels    []string   // the batch being filled
	walking []string   // Dir, then the linked folders the walk is in, outermost first
	notes   []Problem  // the links skipped
	scratch dirScratch // for readDir
}

// dirEntry is a name in a folder and its type (fs.FileMode.Type).
type dirEntry struct {
	name string
	typ  fs.FileMode
}

// dir lists the folder at abs, which is rel relative to Dir, and the
// folders under it.
func (w *walker) dir(abs, rel string) error {
	entries, err := readDir(abs, &w.scratch) // unsorted, unlike os.ReadDir: the posts are sorted later
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.name
		if strings.HasPrefix(name, ".") {
			continue
		}
		r := name
		if rel != "" {
			r = rel + "/" + name
		}
		switch {
		case e.typ&fs.ModeSymlink != 0:
			if err := w.link(abs+string(filepath.Separator)+name, r); err != nil {
				return err
			}
		case e.typ.IsDir():
			if err := w.dir(abs+string(filepath.Separator)+name, r); err != nil {
				return err
			}
		case isPostFile(r):
			w.add(r)
		}
	}
	return nil
}

// link applies linkrule to the symbolic link at abs (rel relative to Dir).
func (w *walker) link(abs, rel string) error {
	target, err := linkrule.Check(w.walking, abs)
	if err != nil {
		if isPostFile(rel) || !strings.Contains(err.Error(), "nowhere") {
			w.notes = append(w.notes, Problem{Path: rel, Msg: err.Error(), Note: true})
		}
		return nil
	}
	info, err := os.Stat(target)
	switch {
	case err != nil:
		return nil // gone since Check
	case info.IsDir():
		w.walking = append(w.walking, abs)
		defer func() { w.walking = w.walking[:len(w.walking)-1] }()
		return w.dir(abs, rel)
	case isPostFile(rel):
		w.add(rel)
	}
	return nil
}

func (w *walker) add(rel string) {
	if w.rels = append(w.rels, rel); len(w.rels) == walkBatch {
		w.emit(w.rels)
		w.rels = make([]string, 0, walkBatch)
	}
}
