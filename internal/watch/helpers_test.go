package watch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// waitLimit bounds every wait on a channel; events normally arrive in
// milliseconds.
const waitLimit = 5 * time.Second

// testDebounce keeps tests quick while leaving room for a loaded machine.
const testDebounce = 40 * time.Millisecond

func newTestWatcher(t *testing.T, opts Options) *Watcher {
	t.Helper()
	if opts.Debounce == 0 {
		opts.Debounce = testDebounce
	}
	w, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func mustAdd(t *testing.T, w *Watcher, root string, recursive bool) {
	t.Helper()
	if err := w.Add(root, recursive); err != nil {
		t.Fatalf("Add(%s, %v): %v", root, recursive, err)
	}
}

// collect reads batches until every path in want was seen, and returns all
// batches read. Write a sentinel file last and wait for it to know that
// every earlier event has been batched.
func collect(t *testing.T, w *Watcher, want ...string) []Batch {
	t.Helper()
	var got []Batch
	missing := map[string]bool{}
	for _, p := range want {
		missing[p] = true
	}
	deadline := time.After(waitLimit)
	for len(missing) > 0 {
		select {
		case b, ok := <-w.Events():
			if !ok {
				t.Fatalf("Events closed while waiting for %v", keys(missing))
			}
			checkBatch(t, b)
			got = append(got, b)
			for _, p := range b.Paths {
				delete(missing, p)
			}
		case err := <-w.Errors():
			t.Fatalf("watch error while waiting: %v", err)
		case <-deadline:
			t.Fatalf("no event for %v after %v; got %v", keys(missing), waitLimit, got)
		}
	}
	return got
}

// checkBatch asserts a batch's invariants: non-empty, absolute, sorted, unique.
func checkBatch(t *testing.T, b Batch) {
	t.Helper()
	if len(b.Paths) == 0 {
		t.Fatal("empty batch")
	}
	for i, p := range b.Paths {
		if !filepath.IsAbs(p) || filepath.Clean(p) != p {
			t.Errorf("path %q is not absolute and clean", p)
		}
		if i > 0 && b.Paths[i-1] >= p {
			t.Errorf("paths not sorted and unique: %q then %q", b.Paths[i-1], p)
		}
	}
}

// seen returns the union of the batches' paths.
func seen(batches []Batch) map[string]bool {
	all := map[string]bool{}
	for _, b := range batches {
		for _, p := range b.Paths {
			all[p] = true
		}
	}
	return all
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// tempDir returns a fresh temporary folder with symlinks resolved, so that
// paths compare equal to the ones the watcher reports.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
