package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// runHandoffs checks MarkHandoffs: every outcome MarkSending has, the sent
// marks committed with them, and nothing written when one sent mark fails.
func runHandoffs(t *testing.T, open Opener) {
	t.Run("Outcomes", func(t *testing.T) { runHandoffOutcomes(t, newFixture(t, open)) })
	t.Run("AllOrNothing", func(t *testing.T) { runHandoffRollback(t, newFixture(t, open)) })
	t.Run("Empty", func(t *testing.T) {
		f := newFixture(t, open)
		results, err := f.s.MarkHandoffs(f.ctx, nil, nil, t0)
		if err != nil || len(results) != 0 {
			t.Errorf("MarkHandoffs(nil, nil) = %v, %v; want no results, no error", results, err)
		}
	})
}

// handoffFixture claims 5 deliveries for "i1", marks the first sending,
// and returns the issue and the claimed subscriber ids.
func handoffFixture(f *fixture) (store.Issue, []int64) {
	f.addMany(5, subscriber.Active)
	is := f.issue("k")
	f.enqueue(is.ID)
	ds := f.claim(is.ID, "i1", 5, t0)
	if len(ds) != 5 {
		f.t.Fatalf("claimed %d deliveries, want 5", len(ds))
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.SubscriberID
	}
	if err := markSending(f.ctx, f.s, is.ID, ids[0], "i1", t0); err != nil {
		f.t.Fatalf("MarkSending: %v", err)
	}
	return is, ids
}

func runHandoffOutcomes(t *testing.T, f *fixture) {
	is, ids := handoffFixture(f)
	now := at(time.Second)
	if _, err := f.s.Unsubscribe(f.ctx, ids[3], t0); err != nil {
		t.Fatalf("Unsubscribe: %v", err)
	}
	key := func(sub int64, owner string) store.Handoff {
		return store.Handoff{IssueID: is.ID, SubscriberID: sub, Owner: owner}
	}
	sending := []store.Handoff{key(ids[1], "i1"), key(ids[2], "i1"), key(ids[3], "i1"), key(ids[4], "i2"), key(404, "i1")}
	results, err := f.s.MarkHandoffs(f.ctx, []store.Handoff{key(ids[0], "")}, sending, now)
	if err != nil || len(results) != len(sending) {
		t.Fatalf("MarkHandoffs = %v, %v; want %d results", results, err, len(sending))
	}
	for i, want := range []error{nil, nil, store.ErrNotActive, store.ErrNotClaimed, store.ErrNotFound} {
		wantErr(t, fmt.Sprintf("result of sending #%d", i), results[i], want)
	}
	cases := []struct {
		name     string
		sub      int64
		status   store.DeliveryStatus
		attempts int
		owner    string
	}{
		{"sent", ids[0], store.DeliverySent, 1, ""},
		{"sending", ids[1], store.DeliverySending, 1, "i1"},
		{"sending too", ids[2], store.DeliverySending, 1, "i1"},
		{"unsubscribed", ids[3], store.DeliverySkipped, 0, ""},
		{"other owner's", ids[4], store.DeliveryClaimed, 0, "i1"},
	}
	for _, tc := range cases {
		if d := f.delivery(is.ID, tc.sub); d.Status != tc.status || d.Attempts != tc.attempts || d.Owner != tc.owner {
			t.Errorf("%s: delivery %+v; want status %s, %d attempts, owner %q", tc.name, d, tc.status, tc.attempts, tc.owner)
		}
	}
}

func runHandoffRollback(t *testing.T, f *fixture) {
	is, ids := handoffFixture(f)
	sent := []store.Handoff{{IssueID: is.ID, SubscriberID: ids[0]}, {IssueID: is.ID, SubscriberID: 404}}
	sending := []store.Handoff{{IssueID: is.ID, SubscriberID: ids[1], Owner: "i1"}}
	results, err := f.s.MarkHandoffs(f.ctx, sent, sending, at(time.Second))
	wantErr(t, "MarkHandoffs with a missing sent delivery", err, store.ErrNotFound)
	if results != nil {
		t.Errorf("MarkHandoffs failed but returned results %v", results)
	}
	if d := f.delivery(is.ID, ids[0]); d.Status != store.DeliverySending {
		t.Errorf("sent mark of a failed call was kept: %+v", d)
	}
	if d := f.delivery(is.ID, ids[1]); d.Status != store.DeliveryClaimed || d.Attempts != 0 {
		t.Errorf("sending mark of a failed call was kept: %+v", d)
	}
}
