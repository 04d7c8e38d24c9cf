package storetest

import (
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

func runDeliveries(t *testing.T, open Opener) {
	t.Run("EnqueueOnlyActiveIdempotent", func(t *testing.T) {
		f := newFixture(t, open)
		a := f.add("a@example.com", subscriber.Active)
		f.add("p@example.com", subscriber.Pending)
		f.add("u@example.com", subscriber.Unsubscribed)
		b := f.add("b@example.com", subscriber.Active)
		is := f.issue("k")
		if n := f.enqueue(is.ID); n != 2 {
			t.Errorf("first EnqueueDeliveries added %d, want 2", n)
		}
		if n := f.enqueue(is.ID); n != 0 {
			t.Errorf("second EnqueueDeliveries added %d, want 0", n)
		}
		c := f.add("c@example.com", subscriber.Active)
		if n := f.enqueue(is.ID); n != 1 {
			t.Errorf("EnqueueDeliveries after a new subscriber added %d, want 1", n)
		}
		ds, err := f.s.ListDeliveries(f.ctx, is.ID, store.DeliveryPending, 0)
		if err != nil {
			t.Fatalf("ListDeliveries: %v", err)
		}
		want := []store.Delivery{}
		for _, sub := range []subscriber.Subscriber{a, b, c} {
			want = append(want, store.Delivery{IssueID: is.ID, SubscriberID: sub.ID, Email: sub.Email,
				Status: store.DeliveryPending, MessageID: msgID(is.ID)(sub.ID), NextAttemptAt: t0, UpdatedAt: t0})
		}
		wantEqual(t, "pending deliveries", ds, want)
	})
	t.Run("NotFound", func(t *testing.T) { runDeliveryNotFound(t, newFixture(t, open)) })
	t.Run("Marks", func(t *testing.T) { runMarks(t, newFixture(t, open)) })
	t.Run("Bounces", func(t *testing.T) { runBounces(t, newFixture(t, open)) })
	t.Run("CountsAndList", func(t *testing.T) {
		f := newFixture(t, open)
		f.addMany(5, subscriber.Active)
		is := f.issue("k")
		f.enqueue(is.ID)
		for _, d := range f.claim(is.ID, "i1", 2, t0) {
			if err := f.s.MarkSkipped(f.ctx, is.ID, d.SubscriberID, "no matching post", t0); err != nil {
				t.Fatalf("MarkSkipped: %v", err)
			}
		}
		wantEqual(t, "counts", f.counts(is.ID), map[store.DeliveryStatus]int{store.DeliveryPending: 3, store.DeliverySkipped: 2})
		if ds, err := f.s.ListDeliveries(f.ctx, is.ID, store.DeliveryPending, 2); err != nil || len(ds) != 2 {
			t.Errorf("ListDeliveries(pending, 2) = %d rows, %v; want 2", len(ds), err)
		}
		empty := f.issue("empty")
		wantEqual(t, "counts of an empty issue", f.counts(empty.ID), map[store.DeliveryStatus]int{})
	})
}

func runDeliveryNotFound(t *testing.T, f *fixture) {
	ctx := f.ctx
	_, err := f.s.EnqueueDeliveries(ctx, 404, msgID(404), t0)
	wantErr(t, "EnqueueDeliveries", err, store.ErrNotFound)
	_, err = f.s.DeliveryCounts(ctx, 404)
	wantErr(t, "DeliveryCounts", err, store.ErrNotFound)
	_, err = f.s.ResendUncertain(ctx, 404, t0)
	wantErr(t, "ResendUncertain", err, store.ErrNotFound)
	is := f.issue("k")
	wantErr(t, "MarkSending", markSending(ctx, f.s, is.ID, 404, "i1", t0), store.ErrNotFound)
	wantErr(t, "MarkSent", markSent(ctx, f.s, is.ID, 404, t0), store.ErrNotFound)
	wantErr(t, "MarkRetry", f.s.MarkRetry(ctx, is.ID, 404, "451", t0, t0), store.ErrNotFound)
	wantErr(t, "MarkFailed", f.s.MarkFailed(ctx, is.ID, 404, "550", 1, t0), store.ErrNotFound)
	wantErr(t, "MarkSkipped", f.s.MarkSkipped(ctx, is.ID, 404, "none", t0), store.ErrNotFound)
	for name, call := range map[string]func() error{
		"empty owner": func() error { _, err := f.s.ClaimDeliveries(ctx, is.ID, "", 1, time.Minute, t0); return err },
		"zero limit":  func() error { _, err := f.s.ClaimDeliveries(ctx, is.ID, "i1", 0, time.Minute, t0); return err },
		"zero lease":  func() error { _, err := f.s.ClaimDeliveries(ctx, is.ID, "i1", 1, 0, t0); return err },
	} {
		if call() == nil {
			t.Errorf("ClaimDeliveries with %s: no error", name)
		}
	}
}

// runMarks takes one delivery through each outcome a sender records.
func runMarks(t *testing.T, f *fixture) {
	f.addMany(4, subscriber.Active)
	is := f.issue("k")
	f.enqueue(is.ID)
	ds := f.claim(is.ID, "i1", 4, t0)
	if len(ds) != 4 {
		t.Fatalf("claimed %d deliveries, want 4", len(ds))
	}
	now, retryAt := at(time.Second), at(time.Hour)
	for _, d := range ds {
		if err := markSending(f.ctx, f.s, is.ID, d.SubscriberID, "i1", now); err != nil {
			t.Fatalf("MarkSending: %v", err)
		}
	}
	sent, retry, failed, skipped := ds[0].SubscriberID, ds[1].SubscriberID, ds[2].SubscriberID, ds[3].SubscriberID
	for name, err := range map[string]error{
		"MarkSent":    markSent(f.ctx, f.s, is.ID, sent, now),
		"MarkRetry":   f.s.MarkRetry(f.ctx, is.ID, retry, "451 try later", retryAt, now),
		"MarkFailed":  f.s.MarkFailed(f.ctx, is.ID, failed, "550 no such user", 0, now),
		"MarkSkipped": f.s.MarkSkipped(f.ctx, is.ID, skipped, "no matching post", now),
	} {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	cases := []struct {
		name    string
		sub     int64
		status  store.DeliveryStatus
		lastErr string
		next    time.Time
	}{
		{"sent", sent, store.DeliverySent, "", t0},
		{"retry", retry, store.DeliveryPending, "451 try later", retryAt},
		{"failed", failed, store.DeliveryFailed, "550 no such user", t0},
		{"skipped", skipped, store.DeliverySkipped, "no matching post", t0},
	}
	for _, tc := range cases {
		d := f.delivery(is.ID, tc.sub)
		if d.Status != tc.status || d.LastError != tc.lastErr || !d.NextAttemptAt.Equal(tc.next) ||
			d.Attempts != 1 || d.Owner != "" || !d.UpdatedAt.Equal(now) {
			t.Errorf("%s: delivery %+v; want status %s, error %q, next %v, 1 attempt, no owner", tc.name, d, tc.status, tc.lastErr, tc.next)
		}
	}
	if got := f.claim(is.ID, "i2", 10, at(30*time.Minute)); len(got) != 0 {
		t.Errorf("claim before the retry time got %d deliveries, want 0", len(got))
	}
	if got := f.claim(is.ID, "i2", 10, retryAt); len(got) != 1 || got[0].SubscriberID != retry || got[0].Attempts != 1 {
		t.Errorf("claim at the retry time got %+v, want the retried delivery", got)
	}
}

func runBounces(t *testing.T, f *fixture) {
	sub := f.add("bouncy@example.com", subscriber.Active)
	for i, want := range []subscriber.Status{subscriber.Active, subscriber.Bounced} {
		is := f.issue(string(rune('a' + i)))
		f.enqueue(is.ID)
		now := at(time.Duration(i+1) * time.Hour)
		f.claim(is.ID, "i1", 1, now)
		if err := f.s.MarkFailed(f.ctx, is.ID, sub.ID, "550 gone", 2, now); err != nil {
			t.Fatalf("MarkFailed %d: %v", i+1, err)
		}
		got := f.get(sub.ID)
		if got.Status != want || got.Bounces != i+1 {
			t.Errorf("after failure %d: status %s, bounces %d; want %s, %d", i+1, got.Status, got.Bounces, want, i+1)
		}
		if want == subscriber.Bounced && !got.BouncedAt.Equal(now) {
			t.Errorf("BouncedAt %v, want %v", got.BouncedAt, now)
		}
	}
	never := f.add("never@example.com", subscriber.Active)
	is := f.issue("limit zero")
	f.enqueue(is.ID)
	for i := 0; i < 3; i++ {
		if err := f.s.MarkFailed(f.ctx, is.ID, never.ID, "550", 0, t0); err != nil {
			t.Fatalf("MarkFailed: %v", err)
		}
	}
	if got := f.get(never.ID); got.Status != subscriber.Active || got.Bounces != 3 {
		t.Errorf("bounce limit 0: status %s, bounces %d; want active, 3", got.Status, got.Bounces)
	}
}
