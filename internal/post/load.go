package post

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// walkBatch is how many file names the walker hands the parsers at once.
const walkBatch = 64

// parseTree parses every post file under the folder rel ("" for Dir
// itself) while walking it: one goroutine lists the files and one worker
// per GOMAXPROCS reads and parses them, so listing overlaps parsing. The
// posts read their bodies lazily. The error is the walk's (what was parsed
// before it is still returned) or ctx's.
func (l *Library) parseTree(ctx context.Context, rel string) (change, error) {
	batches := make(chan []string, 16)
	var walkErr error
	go func() {
		defer close(batches)
		walkErr = l.walk(rel, func(rels []string) { batches <- rels })
	}()
	c := l.parseAll(ctx, batches)
	return c, errors.Join(walkErr, ctx.Err()) // parseAll drained batches: the walk is over
}

// parseAll parses the files of every batch with one worker per GOMAXPROCS,
// each with its own read buffer, until batches is closed; after ctx is done
// it drains batches without parsing.
func (l *Library) parseAll(ctx context.Context, batches <-chan []string) change {
	parts := make([]change, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range parts {
		wg.Go(func() {
			var buf []byte
			for rels := range batches {
				for _, rel := range rels {
					if ctx.Err() == nil {
						buf = l.parseInto(rel, &parts[w], buf, true)
					}
				}
			}
		})
	}
	wg.Wait()
	var all change
	for _, p := range parts {
		all.posts, all.problems = append(all.posts, p.posts...), append(all.problems, p.problems...)
	}
	return all
}

// parseInto reads and parses one file into c. buf is a read buffer the
// caller reuses (it is returned, perhaps grown); lazy posts keep only
// where their body is in the file and read it again when rendered, others
// keep a copy of it.
func (l *Library) parseInto(rel string, c *change, buf []byte, lazy bool) []byte {
	abs := filepath.Join(l.dir, filepath.FromSlash(rel))
	data, err := readFile(abs, buf)
	if errors.Is(err, fs.ErrNotExist) {
		return buf // gone between the walk and the read
	}
	if err != nil {
		c.problems = append(c.problems, Problem{Path: rel, Msg: "read: " + err.Error()})
		return buf
	}
	p, err := l.r.parse(rel, data)
	if err != nil {
		c.problems = append(c.problems, err.(Problem))
		return data
	}
	body := p.impl.body.held // a suffix of data, which the next read overwrites
	if lazy {
		p.impl.body = &lazyBody{path: abs, off: len(data) - len(body), sum: p.impl.sum, seed: l.r.seed}
	} else {
		p.impl.body = heldBody(bytes.Clone(body))
	}
	c.posts = append(c.posts, p)
	return data
}

// walk lists the post files under the folder rel ("" for Dir itself), as
// slash-separated paths relative to Dir, handing them to emit in batches.
func (l *Library) walk(rel string, emit func([]string)) error {
	rels := make([]string, 0, walkBatch)
	root := filepath.Join(l.dir, filepath.FromSlash(rel))
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		r, _ := filepath.Rel(l.dir, p)
		if r = filepath.ToSlash(r); !d.IsDir() && isPostFile(r) {
			if rels = append(rels, r); len(rels) == walkBatch {
				emit(rels)
				rels = make([]string, 0, walkBatch)
			}
		}
		return nil
	})
	if len(rels) > 0 {
		emit(rels)
	}
	return err
}
