package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// TestFastHandoffs checks that the usual hand-off takes the driver path,
// and that a mark it cannot take sends the whole batch to the general path
// with nothing written.
func TestFastHandoffs(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	subs := []subscriber.Subscriber{{Email: "a@example.com", Status: subscriber.Active}, {Email: "b@example.com", Status: subscriber.Active}}
	if _, err := s.Import(ctx, subs, now); err != nil {
		t.Fatal(err)
	}
	is := store.Issue{Key: "k", ScheduledAt: now}
	if _, err := s.CreateIssue(ctx, &is, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnqueueDeliveries(ctx, is.ID, func(id int64) string { return "m" }, now); err != nil {
		t.Fatal(err)
	}
	ds, err := s.ClaimDeliveries(ctx, is.ID, "w", 2, time.Hour, now)
	if err != nil || len(ds) != 2 {
		t.Fatalf("claim: %v, %v", ds, err)
	}
	first := store.Handoff{IssueID: is.ID, SubscriberID: ds[0].SubscriberID, Owner: "w"}
	second := store.Handoff{IssueID: is.ID, SubscriberID: ds[1].SubscriberID, Owner: "w"}
	if err := s.fastHandoffs(ctx, nil, []store.Handoff{first}, now); err != nil {
		t.Fatalf("usual hand-off: %v, want the driver path to take it", err)
	}
	// The first is sent; the second's owner is wrong: nothing may stay.
	wrong := second
	wrong.Owner = "someone else"
	if err := s.fastHandoffs(ctx, []store.Handoff{first}, []store.Handoff{wrong}, now); !errors.Is(err, errSlowPath) {
		t.Fatalf("hand-off with a wrong owner: %v, want errSlowPath", err)
	}
	for id, want := range map[int64]store.DeliveryStatus{first.SubscriberID: store.DeliverySending, second.SubscriberID: store.DeliveryClaimed} {
		list, err := s.ListDeliveries(ctx, is.ID, want, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, d := range list {
			found = found || d.SubscriberID == id
		}
		if !found {
			t.Errorf("delivery to %d is not %s after the refused batch", id, want)
		}
	}
}
