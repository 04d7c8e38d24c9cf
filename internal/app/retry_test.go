package app

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/clock/clocktest"
)

// TestFailedRebuildIsRetried blocks the feeds folder (a file where it
// should be) before herald starts: the rebuild fails, is retried after 1s
// and 2s of the daemon's clock, /healthz says degraded meanwhile, and once
// the folder can be written the retry publishes and the log says so.
// Then a feed removed behind herald's back comes back on SIGHUP.
func TestFailedRebuildIsRetried(t *testing.T) {
	cfg := testConfigWithPost(t)
	writeFile(t, cfg.Feeds.OutputDir, "not a folder")
	clk := clocktest.New(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	clk.Waiting = make(chan time.Time, 16)
	hup := make(chan os.Signal, 1)
	logs := &syncBuffer{}
	d, err := Start(context.Background(), cfg, Env{Stdout: io.Discard, Stderr: logs, Hup: hup, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { d.stopLoop(); d.Wait() }()
	get := func(path string) (int, string) { t.Helper(); return getFrom(t, d, path) }
	// retryAt waits until the loop sets the timer of a retry due in want
	// (other sleepers, such as the database watch, set theirs too).
	retryAt := func(want time.Duration) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case at := <-clk.Waiting:
				if at.Sub(clk.Now()) == want {
					return
				}
			case <-deadline:
				t.Fatalf("no retry in %v was set; log:\n%s", want, logs.String())
			}
		}
	}
	retryAt(time.Second)
	if code, body := get("/healthz"); code != 200 || !strings.HasPrefix(body, "degraded: ") {
		t.Errorf("/healthz while failing: %d %q, want 200 degraded", code, body)
	}
	clk.Advance(time.Second)
	retryAt(2 * time.Second)

	if err := os.Remove(cfg.Feeds.OutputDir); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Second)
	waitFor(t, "the recovery in the log", func() bool { return strings.Contains(logs.String(), "recovered") })
	if code, body := get("/feeds/rss.xml"); code != 200 || !strings.Contains(body, "First post") {
		t.Errorf("/feeds/rss.xml after recovering: %d %.100q", code, body)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz after recovering: %d %q, want ok", code, body)
	}
	if !strings.Contains(logs.String(), "failures=2") {
		t.Errorf("the log does not count the failures:\n%s", logs.String())
	}

	rss := filepath.Join(cfg.Feeds.OutputDir, "rss.xml")
	if err := os.Remove(rss); err != nil {
		t.Fatal(err)
	}
	hup <- syscall.SIGHUP
	waitFor(t, "rss.xml written again after SIGHUP", func() bool { _, err := os.Stat(rss); return err == nil })
}
