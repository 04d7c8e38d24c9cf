package storetest

import (
	"testing"

	"github.com/heraldhq/herald/internal/subscriber"
)

// runSubscribersByID checks the batch read: every status, topics, and
// missing or deleted ids left out.
func runSubscribersByID(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a := f.add("a@example.com", subscriber.Active)
	if err := f.s.SetTopics(f.ctx, a.ID, []string{"tag:go"}, t0); err != nil {
		t.Fatalf("SetTopics: %v", err)
	}
	u := f.add("u@example.com", subscriber.Unsubscribed)
	gone := f.add("gone@example.com", subscriber.Active)
	if err := f.s.DeleteSubscriber(f.ctx, gone.ID); err != nil {
		t.Fatalf("DeleteSubscriber: %v", err)
	}
	got, err := f.s.SubscribersByID(f.ctx, []int64{u.ID, 404, a.ID, gone.ID, a.ID})
	if err != nil {
		t.Fatalf("SubscribersByID: %v", err)
	}
	want := map[int64]subscriber.Subscriber{a.ID: f.get(a.ID), u.ID: f.get(u.ID)}
	wantEqual(t, "subscribers by id", got, want)
	if len(got[a.ID].Topics) != 1 {
		t.Errorf("topics of %s: %v, want [tag:go]", a.Email, got[a.ID].Topics)
	}
	none, err := f.s.SubscribersByID(f.ctx, nil)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("SubscribersByID(nil) = %v, %v; want an empty map", none, err)
	}
}
