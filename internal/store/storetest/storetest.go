// Package storetest is the contract test suite of store.Store: every
// implementation runs Run in its tests, and Bench in its benchmarks, so
// SQLite and PostgreSQL are held to the same behaviour.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// Opener returns a new, empty store for one test; it registers its own
// cleanup (closing the store) with t.Cleanup.
type Opener func(t *testing.T) store.Store

// t0 is the suite's "now"; later instants are t0 plus a duration. Its
// nanoseconds check that times round-trip exactly.
var t0 = time.Date(2026, 11, 30, 9, 0, 0, 123456789, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// Run runs the whole contract suite against the stores made by open.
func Run(t *testing.T, open Opener) {
	groups := []struct {
		name string
		run  func(t *testing.T, open Opener)
	}{
		{"Subscribers", runSubscribers},
		{"Import", runImport},
		{"SubscribersByID", runSubscribersByID},
		{"Settings", runSettings},
		{"Issues", runIssues},
		{"Deliveries", runDeliveries},
		{"Handoffs", runHandoffs},
		{"Leases", runLeases},
		{"Outcomes", runOutcomes},
		{"PostsSeen", runPostsSeen},
		{"ReleaseSays", runReleaseSays},
		{"CopyPostsSeen", runCopyPostsSeen},
		{"Concurrency", runConcurrency},
		{"Atomicity", runAtomicity},
		{"MailQueue", runMailQueue},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, open) })
	}
}

// fixture is one fresh store and a context.
type fixture struct {
	t   *testing.T
	ctx context.Context
	s   store.Store
}

func newFixture(t *testing.T, open Opener) *fixture {
	t.Helper()
	return &fixture{t: t, ctx: context.Background(), s: open(t)}
}

// add creates a subscriber with status st and returns it.
func (f *fixture) add(email string, st subscriber.Status) subscriber.Subscriber {
	f.t.Helper()
	key, err := subscriber.Normalize(email)
	if err != nil {
		f.t.Fatalf("normalize %q: %v", email, err)
	}
	sub := subscriber.Subscriber{Email: email, EmailKey: key, Status: st, Source: subscriber.SourceForm}
	created, err := f.s.CreateSubscriber(f.ctx, &sub, t0)
	if err != nil || !created {
		f.t.Fatalf("CreateSubscriber(%q) = %v, %v; want created", email, created, err)
	}
	return sub
}

// addMany creates n active subscribers n0@example.com ... in one import.
func (f *fixture) addMany(n int, st subscriber.Status) {
	f.t.Helper()
	subs := make([]subscriber.Subscriber, n)
	for i := range subs {
		subs[i] = subscriber.Subscriber{Email: fmt.Sprintf("n%d@example.com", i), Status: st}
	}
	if res, err := f.s.Import(f.ctx, subs, t0); err != nil || res.Added != n {
		f.t.Fatalf("Import %d subscribers = %+v, %v", n, res, err)
	}
}

func (f *fixture) get(id int64) subscriber.Subscriber {
	f.t.Helper()
	sub, err := f.s.Subscriber(f.ctx, id)
	if err != nil {
		f.t.Fatalf("Subscriber(%d): %v", id, err)
	}
	return sub
}

func (f *fixture) issue(key string) store.Issue {
	f.t.Helper()
	is := store.Issue{Key: key, ScheduledAt: t0}
	if _, err := f.s.CreateIssue(f.ctx, &is, t0); err != nil {
		f.t.Fatalf("CreateIssue(%q): %v", key, err)
	}
	return is
}

func (f *fixture) enqueue(issueID int64) int {
	f.t.Helper()
	n, err := f.s.EnqueueDeliveries(f.ctx, issueID, msgID(issueID), t0)
	if err != nil {
		f.t.Fatalf("EnqueueDeliveries(%d): %v", issueID, err)
	}
	return n
}

func msgID(issueID int64) func(int64) string {
	return func(sub int64) string { return fmt.Sprintf("<%d.%d@example.com>", issueID, sub) }
}

func (f *fixture) claim(issueID int64, owner string, limit int, now time.Time) []store.Delivery {
	f.t.Helper()
	ds, err := f.s.ClaimDeliveries(f.ctx, issueID, owner, limit, time.Minute, now)
	if err != nil {
		f.t.Fatalf("ClaimDeliveries(%d, %q): %v", issueID, owner, err)
	}
	return ds
}

// delivery returns the ledger row of subscriber sub in the issue.
func (f *fixture) delivery(issueID, sub int64) store.Delivery {
	f.t.Helper()
	ds, err := f.s.ListDeliveries(f.ctx, issueID, "", 0)
	if err != nil {
		f.t.Fatalf("ListDeliveries(%d): %v", issueID, err)
	}
	for _, d := range ds {
		if d.SubscriberID == sub {
			return d
		}
	}
	f.t.Fatalf("no delivery of issue %d to subscriber %d", issueID, sub)
	return store.Delivery{}
}

func (f *fixture) counts(issueID int64) map[store.DeliveryStatus]int {
	f.t.Helper()
	c, err := f.s.DeliveryCounts(f.ctx, issueID)
	if err != nil {
		f.t.Fatalf("DeliveryCounts(%d): %v", issueID, err)
	}
	return c
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}
