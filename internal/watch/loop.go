package watch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/heraldhq/herald/internal/linkrule"
)

// coalescer gathers the paths of one burst and says when it is due: after
// debounce of quiet, or maxDelay after its first path, whichever is sooner.
// Time is passed in, so the rule is tested with fixed timestamps.
type coalescer struct {
	debounce, maxDelay time.Duration
	paths              map[string]struct{}
	first, last        time.Time
}

func newCoalescer(debounce, maxDelay time.Duration) *coalescer {
	return &coalescer{debounce: debounce, maxDelay: maxDelay, paths: map[string]struct{}{}}
}

// add records paths seen at now. No paths leave the deadline unchanged.
func (c *coalescer) add(now time.Time, paths ...string) {
	if len(paths) == 0 {
		return
	}
	if len(c.paths) == 0 {
		c.first = now
	}
	c.last = now
	for _, p := range paths {
		c.paths[p] = struct{}{}
	}
}

// due returns when the burst must be sent; false when nothing is pending.
func (c *coalescer) due() (time.Time, bool) {
	if len(c.paths) == 0 {
		return time.Time{}, false
	}
	quiet, capped := c.last.Add(c.debounce), c.first.Add(c.maxDelay)
	if capped.Before(quiet) {
		return capped, true
	}
	return quiet, true
}

// take returns the pending paths, sorted, and starts a new burst.
func (c *coalescer) take() []string {
	out := make([]string, 0, len(c.paths))
	for p := range c.paths {
		out = append(out, p)
	}
	clear(c.paths)
	slices.Sort(out)
	return out
}

// loop turns fsnotify events into batches until Close.
func (w *Watcher) loop() {
	defer w.wg.Done()
	burst := newCoalescer(w.debounce, w.maxDelay)
	var wake <-chan time.Time // the burst's deadline; nil when none is set
	var ready []string        // due, waiting for the reader
	for {
		var out chan Batch
		if len(ready) > 0 {
			out = w.events
		}
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			wake = w.arm(wake, burst, w.handle(ev))
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			wake = w.arm(wake, burst, w.failed(err))
		case <-wake:
			wake = nil
			ready = merge(ready, burst.take())
		case out <- Batch{Paths: ready}:
			w.log.Debug("Watch batch sent", "paths", len(ready))
			ready = nil
		}
	}
}

// arm records paths in the burst and returns the channel that fires at
// its deadline: wake as it was when there are no paths.
func (w *Watcher) arm(wake <-chan time.Time, burst *coalescer, paths []string) <-chan time.Time {
	now := w.clock.Now()
	burst.add(now, paths...)
	if at, ok := burst.due(); ok && len(paths) > 0 {
		return w.clock.After(at.Sub(now))
	}
	return wake
}

// merge unions two sorted path lists into one sorted, deduplicated list.
func merge(a, b []string) []string {
	if len(a) == 0 {
		return b
	}
	return slices.Compact(slices.Sorted(slices.Values(append(a, b...))))
}

// handle returns the changed paths one event stands for: none when it is
// outside the roots, the files inside a folder newly created in a tree,
// else the event's own path.
func (w *Watcher) handle(ev fsnotify.Event) []string {
	path := filepath.Clean(ev.Name)
	sc := w.roots.match(path)
	if sc == outside {
		return nil
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if sc == inTree {
			w.unwatchBelow(path)
		}
		return []string{path}
	}
	info, err := os.Lstat(path)
	if err == nil && sc == inTree && info.Mode()&fs.ModeSymlink != 0 && ev.Has(fsnotify.Create) {
		info, err = w.throughLink(path) // a folder to watch through the link, or the link itself
	}
	if err != nil || !info.IsDir() {
		return []string{path} // a file, a link not followed, or already gone again: report it
	}
	if sc != inTree || !ev.Has(fsnotify.Create) {
		return nil // folders themselves are not changes
	}
	files, err := w.watchTree(path)
	if err != nil {
		w.report(err)
	}
	return files
}

// throughLink returns what the new link at path leads to when linkrule
// follows it, else the link's own information (not a folder).
func (w *Watcher) throughLink(path string) (os.FileInfo, error) {
	link, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	target, err := linkrule.Check(w.roots.linksOn(filepath.Dir(path)), path)
	if err != nil {
		return link, nil
	}
	if info, err := os.Stat(target); err == nil {
		return info, nil
	}
	return link, nil
}

// failed reports an fsnotify error; after a kernel queue overflow, events
// were lost, so every watched file is reported as changed.
func (w *Watcher) failed(err error) []string {
	w.report(err)
	if !errors.Is(err, fsnotify.ErrEventOverflow) {
		return nil
	}
	w.log.Warn("Watch queue overflowed; rescanning", "error", err)
	return w.rescan()
}

// rescan lists every file under the roots, re-adding tree watches.
func (w *Watcher) rescan() []string {
	trees, dirs, files := w.roots.list()
	for _, tree := range trees {
		found, err := w.watchTree(tree)
		if err != nil {
			w.report(err)
		}
		files = append(files, found...)
	}
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir) // a vanished folder has no files
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			if !e.IsDir() && w.roots.match(path) != outside {
				files = append(files, path)
			}
		}
	}
	return files
}
