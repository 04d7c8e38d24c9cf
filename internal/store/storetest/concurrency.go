package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

const workers = 6

// parallel runs fn(i) for i in [0, workers) at once and waits.
func parallel(fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range workers {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

func runConcurrency(t *testing.T, open Opener) {
	t.Run("SettingIfAbsent", func(t *testing.T) {
		f := newFixture(t, open)
		var got [workers]string
		var errs [workers]error
		parallel(func(i int) { got[i], errs[i] = f.s.SetSettingIfAbsent(f.ctx, "secret", fmt.Sprint("value-", i)) })
		for i := range workers {
			if errs[i] != nil || got[i] != got[0] {
				t.Errorf("caller %d saw %q, %v; caller 0 saw %q", i, got[i], errs[i], got[0])
			}
		}
	})
	t.Run("CreateIssueOnce", func(t *testing.T) {
		f := newFixture(t, open)
		var created [workers]bool
		var ids [workers]int64
		parallel(func(i int) {
			is := store.Issue{Key: "2026-11-30T09:00:00Z", ScheduledAt: t0}
			ok, err := f.s.CreateIssue(f.ctx, &is, t0)
			if err != nil {
				t.Errorf("CreateIssue %d: %v", i, err)
			}
			created[i], ids[i] = ok, is.ID
		})
		n := 0
		for i := range workers {
			if created[i] {
				n++
			}
			if ids[i] != ids[0] {
				t.Errorf("caller %d got issue %d, caller 0 got %d", i, ids[i], ids[0])
			}
		}
		if n != 1 {
			t.Errorf("%d callers created the issue, want 1", n)
		}
	})
	t.Run("ClaimersNeverShare", func(t *testing.T) {
		f := newFixture(t, open)
		const total = 120
		f.addMany(total, subscriber.Active)
		is := f.issue("k")
		f.enqueue(is.ID)
		var mu sync.Mutex
		seen := map[int64]string{}
		parallel(func(i int) {
			owner := fmt.Sprint("instance-", i)
			for range total { // bounded: a store that re-hands claims must fail, not hang
				ds, err := f.s.ClaimDeliveries(f.ctx, is.ID, owner, 7, time.Minute, t0)
				if err != nil || len(ds) == 0 {
					if err != nil {
						t.Errorf("%s: ClaimDeliveries: %v", owner, err)
					}
					return
				}
				mu.Lock()
				for _, d := range ds {
					if prev, dup := seen[d.SubscriberID]; dup {
						t.Errorf("subscriber %d claimed by %s and %s", d.SubscriberID, prev, owner)
					}
					seen[d.SubscriberID] = owner
				}
				mu.Unlock()
			}
		})
		if len(seen) != total {
			t.Errorf("claimed %d distinct deliveries, want %d", len(seen), total)
		}
	})
}
