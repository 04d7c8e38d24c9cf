package storetest

import (
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// runMailQueue checks the queue of confirmation and welcome emails: one
// waiting email per subscriber and kind, claims that count attempts and
// hide the email for the lease, retries, removal, and the cascade when the
// subscriber is removed.
func runMailQueue(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a, b := f.add("qa@example.com", subscriber.Pending), f.add("qb@example.com", subscriber.Pending)
	wantStats(t, f, "an empty queue", store.MailQueueStats{})
	for _, e := range []struct {
		id   int64
		kind string
		at   time.Duration
	}{{a.ID, "confirm", 0}, {a.ID, "confirm", time.Minute}, {b.ID, "confirm", time.Second}, {a.ID, "welcome", 2 * time.Second}} {
		if err := f.s.EnqueueMail(f.ctx, e.id, e.kind, at(e.at)); err != nil {
			t.Fatalf("EnqueueMail: %v", err)
		}
	}
	queued, err := f.s.QueuedMails(f.ctx)
	if err != nil || len(queued) != 3 {
		t.Fatalf("QueuedMails = %d, %v; want 3 (the second confirm of a is the same email)", len(queued), err)
	}
	wantStats(t, f, "three queued emails", store.MailQueueStats{Queued: 3, Oldest: t0})
	wantEqual(t, "first queued", queued[0], store.QueuedMail{ID: queued[0].ID, SubscriberID: a.ID, Kind: "confirm",
		NextAttemptAt: t0, CreatedAt: t0})

	claimed, err := f.s.ClaimMails(f.ctx, 2, time.Minute, at(5*time.Second))
	if err != nil || len(claimed) != 2 || claimed[0].SubscriberID != a.ID || claimed[1].SubscriberID != b.ID || claimed[0].Attempts != 1 {
		t.Fatalf("ClaimMails = %+v, %v; want a's and b's confirm, attempt 1", claimed, err)
	}
	again, _ := f.s.ClaimMails(f.ctx, 10, time.Minute, at(6*time.Second))
	if len(again) != 1 || again[0].Kind != "welcome" {
		t.Fatalf("second claim = %+v; want only the welcome (the others are leased)", again)
	}
	if err := f.s.MailRetry(f.ctx, again[0].ID, "later", at(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := f.s.MailDone(f.ctx, claimed[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.MailRetry(f.ctx, claimed[1].ID, "smtp connect: refused", at(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if due, _ := f.s.ClaimMails(f.ctx, 10, time.Minute, at(9*time.Minute)); len(due) != 0 {
		t.Fatalf("claim before the retry time = %+v; want none", due)
	}
	due, err := f.s.ClaimMails(f.ctx, 10, time.Minute, at(11*time.Minute))
	if err != nil || len(due) != 1 || due[0].SubscriberID != b.ID {
		t.Fatalf("claim after the retry time = %+v, %v; want b's confirm", due, err)
	}
	if due[0].Attempts != 2 || due[0].LastError != "smtp connect: refused" {
		t.Errorf("retried email: %+v; want attempt 2 with the last error", due[0])
	}
	wantStats(t, f, "two emails retried, one sent", store.MailQueueStats{Queued: 2, Failing: 2, Oldest: at(time.Second)})
	wantErr(t, "MailDone of a removed email", f.s.MailDone(f.ctx, claimed[0].ID), store.ErrNotFound)
	wantErr(t, "MailRetry of a missing email", f.s.MailRetry(f.ctx, 9999, "x", t0), store.ErrNotFound)
	if err := f.s.DeleteSubscriber(f.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	left, _ := f.s.QueuedMails(f.ctx)
	if len(left) != 1 || left[0].SubscriberID != b.ID {
		t.Errorf("after removing a, the queue holds %+v; want only b's email", left)
	}
	if err := f.s.EnqueueMail(f.ctx, 9999, "confirm", t0); err == nil {
		t.Errorf("EnqueueMail for a missing subscriber succeeded")
	}
}

func wantStats(t *testing.T, f *fixture, what string, want store.MailQueueStats) {
	t.Helper()
	got, err := f.s.MailQueueStats(f.ctx)
	if err != nil {
		t.Fatalf("MailQueueStats of %s: %v", what, err)
	}
	wantEqual(t, "MailQueueStats of "+what, got, want)
}
