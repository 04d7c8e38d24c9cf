package app

import (
	"context"
	"sync/atomic"
	"time"
)

// dbState remembers the database's last known health for /healthz and
// the log. The zero value is "reachable".
type dbState struct {
	down atomic.Bool
}

// watchDatabase pings the store every interval and logs each change
// between reachable and unreachable. Feeds are served either way.
func (d *Daemon) watchDatabase(ctx context.Context, interval time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.clock.After(interval):
		}
		err := d.health()
		switch {
		case err != nil && !d.db.down.Swap(true):
			d.log.Error("Database unreachable; feeds are still served, subscriptions and sending wait for it", "err", err)
		case err == nil && d.db.down.Swap(false):
			d.log.Info("Database reachable again")
		}
	}
}
