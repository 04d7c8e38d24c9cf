package storetest

import (
	"context"
	"testing"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// runAtomicity checks that a method failing half way leaves nothing: the
// context is cancelled while EnqueueDeliveries is in its second batch.
func runAtomicity(t *testing.T, open Opener) {
	f := newFixture(t, open)
	const total = 700
	f.addMany(total, subscriber.Active)
	is := f.issue("k")
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	calls := 0
	failing := func(sub int64) string {
		if calls++; calls == 600 {
			cancel()
		}
		return msgID(is.ID)(sub)
	}
	if n, err := f.s.EnqueueDeliveries(ctx, is.ID, failing, t0); err == nil {
		t.Fatalf("EnqueueDeliveries with a context cancelled half way = %d, nil; want an error", n)
	}
	wantEqual(t, "deliveries after the failed enqueue", f.counts(is.ID), map[store.DeliveryStatus]int{})
	if n := f.enqueue(is.ID); n != total {
		t.Errorf("EnqueueDeliveries after the failure added %d, want %d", n, total)
	}
}
