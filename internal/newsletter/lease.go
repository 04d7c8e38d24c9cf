package newsletter

import (
	"context"
	"time"
)

// keepLeases renews the leases of this instance's workers every third of
// Options.Lease until stop is called or ctx ends, so that the claims of a
// live sender never expire while those of a dead one (killed, crashed, cut
// off) come back to the other instances within one Lease. Renewal follows
// the wall clock, whatever Options.Clock says: it is about this process
// being alive, not about the schedule. The lease's end is reckoned on
// Options.Clock, like every time in the ledger.
func (n *Newsletter) keepLeases(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(max(n.opts.Lease/3, 10*time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				n.renewLeases(ctx)
			}
		}
	}()
	return func() { cancel(); <-done }
}

func (n *Newsletter) renewLeases(ctx context.Context) {
	now := n.now()
	for i := range n.opts.Workers {
		owner := n.workerOwner(i)
		if _, err := n.opts.Store.RenewLease(ctx, owner, now.Add(n.opts.Lease), now); err != nil && ctx.Err() == nil {
			n.log.Warn("Renew delivery lease", "owner", owner, "err", err)
		}
	}
}
