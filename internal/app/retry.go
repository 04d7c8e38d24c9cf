package app

import (
	"context"
	"sync/atomic"
	"time"
)

// A rebuild that fails (a full disk, a folder herald may not write) is
// tried again after retryFirst, then after twice as long each time, up to
// retryMax, until one succeeds; meanwhile the last good feeds stay online
// and /healthz says "degraded".
const (
	retryFirst = time.Second
	retryMax   = 5 * time.Minute
)

// retryState is the failing streak of rebuilds; the zero value is none.
// Only the loop's goroutine uses it, but degraded, which /healthz reads.
type retryState struct {
	since    time.Time        // clock time of the first failed rebuild of the streak
	attempts int              // failed rebuilds in the streak
	delay    time.Duration    // before the next retry
	timer    <-chan time.Time // fires for the next retry; nil when none is due
	degraded atomic.Pointer[string]
}

// failed starts or continues a streak after a rebuild failed with err, and
// sets the timer of the next retry.
func (d *Daemon) failed(reason string, err error) {
	r := &d.retry
	if r.attempts == 0 {
		r.since, r.delay = d.clock.Now(), retryFirst
	} else {
		r.delay = min(2*r.delay, retryMax)
	}
	r.attempts++
	r.timer = d.clock.After(r.delay)
	why := "the feeds could not be written since " + r.since.UTC().Format(time.RFC3339) + "; the last good feeds are served"
	r.degraded.Store(&why)
	d.log.Error("Feeds not rebuilt; the last good feeds stay online", "reason", reason, "err", err,
		"failures", r.attempts, "retry_in", r.delay)
}

// succeeded ends a streak, saying so in the log.
func (d *Daemon) succeeded() {
	r := &d.retry
	if r.attempts == 0 {
		return
	}
	d.log.Info("Feeds rebuilt again: recovered from the failed rebuilds", "failures", r.attempts,
		"failing_for", d.clock.Now().Sub(r.since).Round(time.Millisecond))
	r.since, r.attempts, r.delay, r.timer = time.Time{}, 0, 0, nil
	r.degraded.Store(nil)
}

// degraded is Options.Degraded: why the feeds are not current, "" when
// they are. Safe for concurrent use.
func (d *Daemon) degraded() string {
	if why := d.retry.degraded.Load(); why != nil {
		return *why
	}
	return ""
}

// fullRebuild reads every post again and rebuilds, whatever changed: what
// SIGHUP does after reloading the config, for a change the watcher missed
// or a write that failed.
func (d *Daemon) fullRebuild(ctx context.Context) {
	if err := d.pub.Library().Load(ctx); err != nil {
		d.log.Error("Posts not read again; keeping the posts in memory", "err", err)
	}
	d.rebuild("SIGHUP")
}
