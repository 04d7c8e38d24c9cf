package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/clock/clocktest"
)

// TestLostDatabaseKeepsFeedsOnline takes the database away under a running
// daemon: feeds are still served, /healthz says what is wrong, and the log
// says so once.
func TestLostDatabaseKeepsFeedsOnline(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	cfg := testConfigWithPost(t)
	logs := &syncBuffer{}
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	d, err := Start(ctx, cfg, Env{Stdout: logs, Stderr: logs, Clock: clock, Ready: func(a string) { ready <- a }})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); d.Wait() }()
	url := "http://" + <-ready

	status := func(path string) int {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("/healthz"); got != 200 {
		t.Fatalf("healthz = %d before the database went away", got)
	}
	d.store.Close()
	// The watch may not be waiting on the clock yet (it starts with the
	// loop): move the clock on at every look until it has looked.
	waitFor(t, "log line", func() bool {
		clock.Advance(15 * time.Second)
		return strings.Contains(logs.String(), "Database unreachable")
	})
	if got := status("/healthz"); got != http.StatusServiceUnavailable {
		t.Errorf("healthz = %d with the database gone, want 503", got)
	}
	if got := status("/feeds/rss.xml"); got != 200 {
		t.Errorf("feed = %d with the database gone, want 200", got)
	}
	clock.Advance(15 * time.Second)
	clock.Advance(15 * time.Second)
	if n := strings.Count(logs.String(), "Database unreachable"); n != 1 {
		t.Errorf("logged %d times, want once per outage", n)
	}
}
