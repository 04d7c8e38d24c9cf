// Package watch reports changed files under watched folders and single
// files, in debounced batches, the way the daemon needs them: the posts
// folder recursively (folders created later included) and the config file
// (however the editor saves it).
//
// A Watcher coalesces a burst of file-system events into one Batch of
// absolute, sorted, deduplicated paths, sent after Options.Debounce of
// quiet; a steady stream of events is still flushed at least every
// Options.MaxDelay. A path in a Batch may name a file that no longer exists
// (deleted or renamed away) or, rarely, a folder that was removed or renamed
// away: the consumer treats a missing path as "this and everything under it
// is gone". Editor temporaries (swap files, backups, lock files) are left
// out of batches; the real file's own events are never dropped.
package watch

import (
	"github.com/heraldhq/herald/internal/clock"

	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is the quiet window used when Options.Debounce is zero.
const DefaultDebounce = 100 * time.Millisecond

// maxDelayWindows is the default cap on a batch's delay, in debounce windows.
const maxDelayWindows = 4

// errorBuffer is how many errors Errors holds before further ones are only logged.
const errorBuffer = 16

// Options configures a Watcher. The zero value is usable.
type Options struct {
	// Debounce is the quiet time after the last event before a batch is sent.
	// Zero means DefaultDebounce; negative is an error.
	Debounce time.Duration
	// MaxDelay caps how long a batch waits while events keep arriving,
	// counted from its first event. Zero means four debounce windows;
	// negative, or smaller than Debounce, is an error.
	MaxDelay time.Duration
	// Logger receives debug lines and errors that Errors could not hold.
	// Nil means slog.Default().
	Logger *slog.Logger
	// Clock times the debounce; nil means the system clock.
	Clock clock.Clock
}

// Batch is one debounced set of changed paths.
type Batch struct {
	// Paths are absolute, cleaned, deduplicated and sorted. Never empty.
	Paths []string
}

// Watcher watches folders and files and sends batches of changed paths.
// Its methods are safe for concurrent use.
type Watcher struct {
	fsw      *fsnotify.Watcher
	debounce time.Duration
	maxDelay time.Duration
	log      *slog.Logger
	clock    clock.Clock
	roots    *roots
	events   chan Batch
	errs     chan error
	done     chan struct{}
	wg       sync.WaitGroup
	once     sync.Once
	closeErr error
}

// New starts a Watcher with nothing watched yet; call Add for each root.
// The caller must call Close to release the OS watches and the goroutine.
func New(opts Options) (*Watcher, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("start file watcher: %w", err)
	}
	w := &Watcher{
		fsw: fsw, debounce: opts.Debounce, maxDelay: opts.MaxDelay, log: opts.Logger, clock: clock.Or(opts.Clock),
		roots:  newRoots(),
		events: make(chan Batch),
		errs:   make(chan error, errorBuffer),
		done:   make(chan struct{}),
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.Debounce < 0 {
		return o, fmt.Errorf("watch options: negative debounce %v", o.Debounce)
	}
	if o.Debounce == 0 {
		o.Debounce = DefaultDebounce
	}
	if o.MaxDelay == 0 {
		o.MaxDelay = maxDelayWindows * o.Debounce
	}
	if o.MaxDelay < o.Debounce {
		return o, fmt.Errorf("watch options: max delay %v shorter than debounce %v", o.MaxDelay, o.Debounce)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}

// Add watches root. A folder is watched with its direct entries, or with
// every folder below it when recursive is true (folders created later are
// added as they appear, and the files already inside them are reported;
// hidden entries below root, such as .git, are skipped, and symbolic links
// to folders are not followed). A single file is
// watched through its parent folder, so that saves by rename, by delete and
// recreate, or by chmod are all seen; recursive is ignored for a file.
// Add does not report the files already present: load them yourself first.
// A missing root is an error wrapping fs.ErrNotExist.
func (w *Watcher) Add(root string, recursive bool) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("watch %s: %w", root, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("watch %s: %w", root, err)
	}
	if !info.IsDir() {
		return w.addFile(abs)
	}
	if !recursive {
		w.roots.addDir(abs)
		return w.watchDir(abs)
	}
	w.roots.addTree(abs)
	_, err = w.watchTree(abs)
	return err
}

func (w *Watcher) addFile(path string) error {
	w.roots.addFile(path)
	if err := w.watchDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("watch file %s: %w", path, err)
	}
	return nil
}

func (w *Watcher) watchDir(dir string) error {
	if err := w.fsw.Add(dir); err != nil {
		return fmt.Errorf("watch folder %s: %w", dir, err)
	}
	return nil
}

// Events returns the channel of batches. It is closed by Close. Read it
// promptly: while a batch waits to be read, the batches due after it are
// merged into it.
func (w *Watcher) Events() <-chan Batch { return w.events }

// Errors returns the channel of watch errors (an OS watch that could not be
// added, a kernel queue overflow). It is buffered and closed by Close; when
// it is full, further errors are logged and dropped.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Close stops the watcher, drops changes not yet sent, and closes Events and
// Errors. It is safe to call more than once; later calls return the first
// call's result.
func (w *Watcher) Close() error {
	w.once.Do(func() {
		close(w.done)
		w.wg.Wait()
		w.closeErr = w.fsw.Close()
		close(w.events)
		close(w.errs)
		if w.closeErr != nil {
			w.closeErr = fmt.Errorf("close file watcher: %w", w.closeErr)
		}
	})
	return w.closeErr
}

// report hands err to Errors without blocking; when the buffer is full it is
// only logged.
func (w *Watcher) report(err error) {
	select {
	case w.errs <- err:
	default:
		w.log.Error("Watch error dropped", "error", err)
	}
}
