package postgres_test

import (
	"github.com/heraldhq/herald/internal/testkit"

	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// TestInstancesShareOneIssue runs three Stores (as three herald instances
// would) on one database: all create the same issue and enqueue it at
// once, then claim until nothing is left. One issue, one delivery per
// subscriber, and no delivery handed to two instances.
func TestInstancesShareOneIssue(t *testing.T) {
	dsn := testkit.FreshSchema(t)
	ctx, now := context.Background(), time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	var instances []store.Store
	for range 3 {
		instances = append(instances, open(t, dsn))
	}
	const total = 1500
	subs := make([]subscriber.Subscriber, total)
	for i := range subs {
		subs[i] = subscriber.Subscriber{Email: fmt.Sprintf("s%d@example.com", i), Status: subscriber.Active}
	}
	if _, err := instances[0].Import(ctx, subs, now); err != nil {
		t.Fatalf("Import: %v", err)
	}
	var mu sync.Mutex
	issueIDs, added, claimedBy := map[int64]bool{}, 0, map[int64]int{}
	var wg sync.WaitGroup
	for n, s := range instances {
		wg.Go(func() {
			is := store.Issue{Key: "2026-11-30T09:00:00Z", ScheduledAt: now}
			if _, err := s.CreateIssue(ctx, &is, now); err != nil {
				t.Errorf("instance %d: CreateIssue: %v", n, err)
				return
			}
			k, err := s.EnqueueDeliveries(ctx, is.ID, func(id int64) string { return fmt.Sprint(id) }, now)
			if err != nil {
				t.Errorf("instance %d: EnqueueDeliveries: %v", n, err)
			}
			mu.Lock()
			issueIDs[is.ID], added = true, added+k
			mu.Unlock()
			claimAll(t, s, is.ID, fmt.Sprint("instance-", n), now, func(d store.Delivery) {
				mu.Lock()
				claimedBy[d.SubscriberID]++
				mu.Unlock()
			})
		})
	}
	wg.Wait()
	if len(issueIDs) != 1 || added != total || len(claimedBy) != total {
		t.Fatalf("%d issues, %d deliveries enqueued, %d claimed; want 1, %d, %d", len(issueIDs), added, len(claimedBy), total, total)
	}
	for sub, n := range claimedBy {
		if n != 1 {
			t.Errorf("subscriber %d claimed %d times", sub, n)
		}
	}
}

func claimAll(t *testing.T, s store.Store, issueID int64, owner string, now time.Time, seen func(store.Delivery)) {
	for range 1000 {
		ds, err := s.ClaimDeliveries(context.Background(), issueID, owner, 50, time.Minute, now)
		if err != nil || len(ds) == 0 {
			if err != nil {
				t.Errorf("%s: ClaimDeliveries: %v", owner, err)
			}
			return
		}
		for _, d := range ds {
			seen(d)
		}
	}
}
