package watch

import (
	"github.com/heraldhq/herald/internal/clock/clocktest"

	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// saves are the ways editors and tools change an existing file.
var saves = []struct {
	name string
	save func(t *testing.T, path string)
}{
	{"write in place", func(t *testing.T, path string) {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		must(t, err)
		_, err = f.WriteString("edited in place\n")
		must(t, err)
		must(t, f.Close())
	}},
	{"write then rename like vim", func(t *testing.T, path string) {
		dir, name := filepath.Split(path)
		swap := filepath.Join(dir, "."+name+".swp")
		write(t, swap, "swap")
		write(t, filepath.Join(dir, "4913"), "")
		must(t, os.Remove(filepath.Join(dir, "4913")))
		must(t, os.Rename(path, path+"~"))
		write(t, path, "saved by vim\n")
		must(t, os.Remove(path+"~"))
		must(t, os.Remove(swap))
	}},
	{"atomic rename from a temporary", func(t *testing.T, path string) {
		dir, name := filepath.Split(path)
		tmp := filepath.Join(dir, "."+name+".tmp-4711")
		write(t, tmp, "saved atomically\n")
		must(t, os.Rename(tmp, path))
	}},
	{"delete and recreate", func(t *testing.T, path string) {
		must(t, os.Remove(path))
		write(t, path, "recreated\n")
	}},
	{"chmod", func(t *testing.T, path string) {
		must(t, os.Chmod(path, 0o600))
	}},
}

func TestTreeSeesEverySave(t *testing.T) {
	for _, tc := range saves {
		t.Run(tc.name, func(t *testing.T) {
			root := tempDir(t)
			post := filepath.Join(root, "2026", "hello.md")
			write(t, post, "first\n")
			w := newTestWatcher(t, Options{})
			mustAdd(t, w, root, true)

			tc.save(t, post)
			sentinel := filepath.Join(root, "zz-sentinel.md")
			write(t, sentinel, "")
			all := seen(collect(t, w, post, sentinel))
			for p := range all {
				if p != post && p != sentinel {
					t.Errorf("unexpected path in batch: %s", p)
				}
			}
		})
	}
}

func TestFileSeesEverySave(t *testing.T) {
	for _, tc := range saves {
		t.Run(tc.name, func(t *testing.T) {
			dir := tempDir(t)
			config := filepath.Join(dir, "herald.toml")
			write(t, config, "[site]\n")
			w := newTestWatcher(t, Options{})
			mustAdd(t, w, config, true) // recursive is ignored for a file

			write(t, filepath.Join(dir, "neighbour.txt"), "not watched")
			tc.save(t, config)
			all := seen(collect(t, w, config))
			if len(all) != 1 {
				t.Errorf("batches hold %v, want only %s", keys(all), config)
			}
		})
	}
}

func TestTreeReportsCreatedFile(t *testing.T) {
	root := tempDir(t)
	w := newTestWatcher(t, Options{})
	mustAdd(t, w, root, true)

	post := filepath.Join(root, "new.md")
	write(t, post, "new\n")
	collect(t, w, post)
}

func TestTreeAddsFoldersCreatedLater(t *testing.T) {
	root := tempDir(t)
	w := newTestWatcher(t, Options{})
	mustAdd(t, w, root, true)

	// Files written right after mkdir may precede the new folder's watch:
	// the watcher must find them by listing the folder.
	first := filepath.Join(root, "2026", "11", "first.md")
	second := filepath.Join(root, "2026", "11", "deeper", "second.md")
	write(t, first, "1")
	write(t, second, "2")
	collect(t, w, first, second)

	// Now the new folders are watched: a later write is an ordinary event.
	third := filepath.Join(root, "2026", "11", "deeper", "third.md")
	write(t, third, "3")
	collect(t, w, third)
}

func TestTreeReportsFolderMovedIn(t *testing.T) {
	root, outside := tempDir(t), tempDir(t)
	moved := filepath.Join(outside, "drafts")
	write(t, filepath.Join(moved, "a.md"), "a")
	write(t, filepath.Join(moved, "sub", "b.md"), "b")
	w := newTestWatcher(t, Options{})
	mustAdd(t, w, root, true)

	must(t, os.Rename(moved, filepath.Join(root, "drafts")))
	collect(t, w, filepath.Join(root, "drafts", "a.md"), filepath.Join(root, "drafts", "sub", "b.md"))
}

func TestTreeForgetsFolderMovedAway(t *testing.T) {
	root, outside := tempDir(t), tempDir(t)
	folder := filepath.Join(root, "old")
	write(t, filepath.Join(folder, "sub", "a.md"), "a")
	w := newTestWatcher(t, Options{})
	mustAdd(t, w, root, true)

	away := filepath.Join(outside, "old")
	must(t, os.Rename(folder, away))
	collect(t, w, folder) // the folder's path stands for everything in it

	write(t, filepath.Join(away, "sub", "late.md"), "written after the move")
	sentinel := filepath.Join(root, "sentinel.md")
	write(t, sentinel, "")
	for p := range seen(collect(t, w, sentinel)) {
		if p != sentinel {
			t.Errorf("path outside the tree reported: %s", p)
		}
	}
}

func TestTreeSkipsHiddenFolders(t *testing.T) {
	root := tempDir(t)
	w := newTestWatcher(t, Options{})
	mustAdd(t, w, root, true)

	write(t, filepath.Join(root, ".git", "objects", "ab"), "blob")
	sentinel := filepath.Join(root, "sentinel.md")
	write(t, sentinel, "")
	for p := range seen(collect(t, w, sentinel)) {
		if p != sentinel {
			t.Errorf("hidden path reported: %s", p)
		}
	}
}

func TestFolderNotRecursive(t *testing.T) {
	dir := tempDir(t)
	w := newTestWatcher(t, Options{})
	mustAdd(t, w, dir, false)

	write(t, filepath.Join(dir, "sub", "nested.md"), "not watched")
	top := filepath.Join(dir, "top.md")
	write(t, top, "watched")
	for p := range seen(collect(t, w, top)) {
		if p != top {
			t.Errorf("unexpected path: %s", p)
		}
	}
}

// TestBurstIsCoalesced writes 100 files while the watcher's clock stands
// still: however many events arrive, no batch leaves until the clock
// passes the debounce window; then the burst leaves in one batch (a few
// when events still arrive after the clock moved).
func TestBurstIsCoalesced(t *testing.T) {
	root := tempDir(t)
	clock := &clocktest.Fake{Waiting: make(chan time.Time, 100_000)}
	clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	w := newTestWatcher(t, Options{Debounce: 200 * time.Millisecond, MaxDelay: 2 * time.Second, Clock: clock})
	mustAdd(t, w, root, true)

	missing := map[string]bool{}
	for i := range 100 {
		p := filepath.Join(root, fmt.Sprintf("post-%03d.md", i))
		write(t, p, "burst")
		missing[p] = true
	}
	for i := range 100 { // the watcher handled 100 events with paths
		select {
		case <-clock.Waiting:
		case <-time.After(waitLimit):
			t.Fatalf("the watcher armed its window %d times on its clock, want 100", i)
		}
	}
	select {
	case b := <-w.Events():
		t.Fatalf("a batch of %d paths left while the clock stood still", len(b.Paths))
	case <-time.After(400 * time.Millisecond): // twice the window, on the wall clock
	}
	batches := 0
	deadline := time.After(waitLimit)
	for len(missing) > 0 {
		clock.Advance(200 * time.Millisecond)
		select {
		case b := <-w.Events():
			checkBatch(t, b)
			batches++
			for _, p := range b.Paths {
				delete(missing, p)
			}
		case <-time.After(50 * time.Millisecond): // events still coming: move the clock again
		case <-deadline:
			t.Fatalf("files never batched: %v", keys(missing))
		}
	}
	if batches > 5 {
		t.Errorf("100 writes gave %d batches, want at most 5", batches)
	}
}

func TestAddErrors(t *testing.T) {
	w := newTestWatcher(t, Options{})
	missing := filepath.Join(tempDir(t), "no-such-folder")
	if err := w.Add(missing, true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Add(missing) = %v, want fs.ErrNotExist", err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"negative debounce", Options{Debounce: -time.Second}},
		{"max delay below debounce", Options{Debounce: time.Second, MaxDelay: time.Millisecond}},
		{"negative max delay", Options{MaxDelay: -time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if w, err := New(tc.opts); err == nil {
				_ = w.Close()
				t.Fatalf("New(%+v) succeeded, want an error", tc.opts)
			}
		})
	}
}

func TestCloseStopsAndClosesChannels(t *testing.T) {
	root := tempDir(t)
	w, err := New(Options{Debounce: testDebounce})
	must(t, err)
	mustAdd(t, w, root, true)
	write(t, filepath.Join(root, "pending.md"), "dropped by Close")

	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	drain(t, w.Events())
	drain(t, w.Errors())
	if err := w.Add(root, true); err == nil {
		t.Error("Add after Close succeeded, want an error")
	}
}

// drain reads ch until it is closed, failing when it stays open.
func drain[T any](t *testing.T, ch <-chan T) {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("channel not closed after Close")
		}
	}
}

func TestRescanListsEveryFile(t *testing.T) {
	root, other := tempDir(t), tempDir(t)
	files := []string{filepath.Join(root, "a.md"), filepath.Join(root, "x", "b.md"), filepath.Join(other, "c.md")}
	for _, f := range files {
		write(t, f, "")
	}
	write(t, filepath.Join(root, "x", "b.md~"), "backup")
	config := filepath.Join(other, "herald.toml")
	write(t, config, "")
	w := newTestWatcher(t, Options{})
	mustAdd(t, w, root, true)
	mustAdd(t, w, other, false)
	mustAdd(t, w, config, false)

	got := slices.Compact(slices.Sorted(slices.Values(w.rescan())))
	want := slices.Sorted(slices.Values(append(files, config)))
	if !slices.Equal(got, want) {
		t.Errorf("rescan = %v, want %v", got, want)
	}
}

func TestSteadyStreamStillFlushes(t *testing.T) {
	root := tempDir(t)
	w := newTestWatcher(t, Options{Debounce: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond})
	mustAdd(t, w, root, true)

	// Write more often than the debounce window, without a pause, until a
	// batch arrives: only the cap on the delay can produce it.
	stop := make(chan struct{})
	finished := make(chan int)
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		n := 0
		for ; n < 500; n++ {
			select {
			case <-stop:
				finished <- n
				return
			case <-tick.C:
				_ = os.WriteFile(filepath.Join(root, "stream.md"), []byte(fmt.Sprint(n)), 0o644)
			}
		}
		finished <- n
	}()
	select {
	case b := <-w.Events():
		checkBatch(t, b)
	case <-time.After(waitLimit):
		t.Fatal("no batch during a steady stream")
	}
	close(stop)
	if n := <-finished; n >= 500 {
		t.Errorf("batch arrived only after the stream ended (%d writes)", n)
	}
}
