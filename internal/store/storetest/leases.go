package storetest

import (
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

func runLeases(t *testing.T, open Opener) {
	t.Run("ClaimHonoursLimitAndLease", func(t *testing.T) {
		f := newFixture(t, open)
		f.addMany(5, subscriber.Active)
		is := f.issue("k")
		f.enqueue(is.ID)
		first := f.claim(is.ID, "i1", 3, t0)
		second := f.claim(is.ID, "i2", 3, t0)
		if len(first) != 3 || len(second) != 2 {
			t.Fatalf("claims took %d and %d, want 3 and 2", len(first), len(second))
		}
		d := first[0]
		if d.Status != store.DeliveryClaimed || d.Owner != "i1" || !d.LeaseUntil.Equal(at(time.Minute)) {
			t.Errorf("claimed delivery %+v; want claimed by i1 until %v", d, at(time.Minute))
		}
		if got := f.claim(is.ID, "i3", 10, at(59*time.Second)); len(got) != 0 {
			t.Errorf("claim under live leases took %d, want 0", len(got))
		}
		taken := f.claim(is.ID, "i3", 10, at(time.Minute))
		if len(taken) != 5 || taken[0].Owner != "i3" {
			t.Errorf("claim after the leases expired took %d, want all 5 for i3", len(taken))
		}
		err := markSending(f.ctx, f.s, is.ID, d.SubscriberID, "i1", at(time.Minute))
		wantErr(t, "MarkSending by the old owner", err, store.ErrNotClaimed)
	})
	t.Run("ExpiredSendingBecomesUncertain", func(t *testing.T) {
		f := newFixture(t, open)
		f.addMany(2, subscriber.Active)
		is := f.issue("k")
		f.enqueue(is.ID)
		ds := f.claim(is.ID, "i1", 2, t0)
		if err := markSending(f.ctx, f.s, is.ID, ds[0].SubscriberID, "i1", t0); err != nil {
			t.Fatalf("MarkSending: %v", err)
		}
		if got := f.claim(is.ID, "i2", 10, at(time.Minute)); len(got) != 1 || got[0].SubscriberID != ds[1].SubscriberID {
			t.Errorf("claim after expiry = %+v; want only the claimed, unsent delivery", got)
		}
		wantEqual(t, "counts", f.counts(is.ID), map[store.DeliveryStatus]int{store.DeliveryUncertain: 1, store.DeliveryClaimed: 1})
		n, err := f.s.ResendUncertain(f.ctx, is.ID, at(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("ResendUncertain = %d, %v; want 1", n, err)
		}
		if d := f.delivery(is.ID, ds[0].SubscriberID); d.Status != store.DeliveryPending || !d.NextAttemptAt.Equal(at(time.Hour)) {
			t.Errorf("resent delivery %+v; want pending at %v", d, at(time.Hour))
		}
	})
	t.Run("MarkSendingChecksOwnerAndSubscriber", func(t *testing.T) {
		f := newFixture(t, open)
		f.addMany(2, subscriber.Active)
		is := f.issue("k")
		f.enqueue(is.ID)
		ds := f.claim(is.ID, "i1", 2, t0)
		wantErr(t, "MarkSending by another owner", markSending(f.ctx, f.s, is.ID, ds[0].SubscriberID, "i2", t0), store.ErrNotClaimed)
		if _, err := f.s.Unsubscribe(f.ctx, ds[1].SubscriberID, t0); err != nil {
			t.Fatalf("Unsubscribe: %v", err)
		}
		wantErr(t, "MarkSending after unsubscribe", markSending(f.ctx, f.s, is.ID, ds[1].SubscriberID, "i1", t0), store.ErrNotActive)
		if d := f.delivery(is.ID, ds[1].SubscriberID); d.Status != store.DeliverySkipped || d.Attempts != 0 {
			t.Errorf("delivery to the unsubscribed %+v; want skipped, no attempt", d)
		}
		if err := markSending(f.ctx, f.s, is.ID, ds[0].SubscriberID, "i1", t0); err != nil {
			t.Fatalf("MarkSending by the owner: %v", err)
		}
		wantErr(t, "MarkSending twice", markSending(f.ctx, f.s, is.ID, ds[0].SubscriberID, "i1", t0), store.ErrNotClaimed)
	})
	t.Run("ReleaseOwnerAndRecoverAll", func(t *testing.T) { runRelease(t, open) })
	t.Run("LeasesByOwner", func(t *testing.T) { runLeasesByOwner(t, open) })
}

// runLeasesByOwner has i1 claim two deliveries and hand one off, i2 claim
// one later, and checks what Leases reports of them, before and after
// the leases expire and the claims are taken over.
func runLeasesByOwner(t *testing.T, open Opener) {
	f := newFixture(t, open)
	f.addMany(4, subscriber.Active)
	is, other := f.issue("k"), f.issue("other")
	f.enqueue(is.ID)
	f.enqueue(other.ID)
	wantLeases := func(what string, want []store.Lease) {
		t.Helper()
		got, err := f.s.Leases(f.ctx, is.ID)
		if err != nil {
			t.Fatalf("Leases %s: %v", what, err)
		}
		wantEqual(t, "leases "+what, got, want)
	}
	wantLeases("before any claim", nil)
	ds := f.claim(is.ID, "i1", 2, t0)
	if err := markSending(f.ctx, f.s, is.ID, ds[0].SubscriberID, "i1", t0); err != nil {
		t.Fatalf("MarkSending: %v", err)
	}
	f.claim(is.ID, "i2", 1, at(10*time.Second))
	f.claim(other.ID, "i3", 4, t0) // another issue's claims are not this one's
	wantLeases("with two owners", []store.Lease{
		{Owner: "i1", Claimed: 1, Sending: 1, Until: at(time.Minute)},
		{Owner: "i2", Claimed: 1, Until: at(70 * time.Second)}})
	f.claim(is.ID, "i4", 10, at(time.Minute)) // i1's lease ended: its sending row is uncertain, its claim i4's
	wantLeases("after i1's lease ended", []store.Lease{
		{Owner: "i2", Claimed: 1, Until: at(70 * time.Second)},
		{Owner: "i4", Claimed: 2, Until: at(2 * time.Minute)}})
	if got, err := f.s.Leases(f.ctx, 999); err != nil || len(got) != 0 {
		t.Errorf("Leases of a missing issue = %v, %v; want none", got, err)
	}
}

// runRelease gives two owners a claimed and a sending delivery each, then
// releases one owner, then recovers everything.
func runRelease(t *testing.T, open Opener) {
	f := newFixture(t, open)
	f.addMany(4, subscriber.Active)
	is := f.issue("k")
	f.enqueue(is.ID)
	owners := map[string][]store.Delivery{"i1": f.claim(is.ID, "i1", 2, t0), "i2": f.claim(is.ID, "i2", 2, t0)}
	for owner, ds := range owners {
		if err := markSending(f.ctx, f.s, is.ID, ds[0].SubscriberID, owner, t0); err != nil {
			t.Fatalf("MarkSending: %v", err)
		}
	}
	if err := f.s.ReleaseOwner(f.ctx, "i1", t0); err != nil {
		t.Fatalf("ReleaseOwner: %v", err)
	}
	wantEqual(t, "after ReleaseOwner(i1)", f.counts(is.ID), map[store.DeliveryStatus]int{
		store.DeliveryUncertain: 1, store.DeliveryPending: 1, store.DeliverySending: 1, store.DeliveryClaimed: 1})
	if d := f.delivery(is.ID, owners["i2"][1].SubscriberID); d.Owner != "i2" {
		t.Errorf("i2's claim has owner %q after releasing i1", d.Owner)
	}
	if err := f.s.RecoverAll(f.ctx, t0); err != nil {
		t.Fatalf("RecoverAll: %v", err)
	}
	wantEqual(t, "after RecoverAll", f.counts(is.ID), map[store.DeliveryStatus]int{store.DeliveryUncertain: 2, store.DeliveryPending: 2})
	if got := f.claim(is.ID, "i3", 10, t0); len(got) != 2 {
		t.Errorf("claim after recovery took %d, want the 2 pending", len(got))
	}
}

// runOutcomes checks the ledger's marks for deliveries that went wrong
// without the recipient's fault, and renewed leases.
func runOutcomes(t *testing.T, open Opener) {
	t.Run("UncertainIsHeldAndCountedPerIssue", func(t *testing.T) {
		f := newFixture(t, open)
		f.addMany(3, subscriber.Active)
		one, two := f.issue("one"), f.issue("two")
		f.enqueue(one.ID)
		f.enqueue(two.ID)
		for _, is := range []store.Issue{one, two} {
			ds := f.claim(is.ID, "i1", 3, t0)
			for _, d := range ds[:2] {
				if err := markSending(f.ctx, f.s, is.ID, d.SubscriberID, "i1", t0); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.s.MarkUncertain(f.ctx, is.ID, ds[0].SubscriberID, "no reply to the final dot", t0); err != nil {
				t.Fatalf("MarkUncertain: %v", err)
			}
			if is.ID == two.ID {
				if err := f.s.MarkUncertain(f.ctx, is.ID, ds[1].SubscriberID, "EOF", t0); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := f.s.UncertainCounts(f.ctx)
		if err != nil {
			t.Fatalf("UncertainCounts: %v", err)
		}
		wantEqual(t, "uncertain per issue", got, map[int64]int{one.ID: 1, two.ID: 2})
		if more := f.claim(one.ID, "i2", 10, at(time.Hour)); len(more) != 1 {
			t.Errorf("a later claim took %d deliveries, want only the one never sent", len(more))
		}
		d := f.delivery(one.ID, 1)
		if d.Status != store.DeliveryUncertain || d.LastError != "no reply to the final dot" || d.Owner != "" {
			t.Errorf("uncertain delivery %+v", d)
		}
	})
	t.Run("UnsentGoesBackWithoutCountingTheAttempt", func(t *testing.T) {
		f := newFixture(t, open)
		sub := f.add("ada@example.org", subscriber.Active)
		is := f.issue("k")
		f.enqueue(is.ID)
		f.claim(is.ID, "i1", 1, t0)
		if err := markSending(f.ctx, f.s, is.ID, sub.ID, "i1", t0); err != nil {
			t.Fatal(err)
		}
		if err := f.s.MarkUnsent(f.ctx, is.ID, sub.ID, "smtp auth: 535", at(time.Second)); err != nil {
			t.Fatalf("MarkUnsent: %v", err)
		}
		d := f.delivery(is.ID, sub.ID)
		if d.Status != store.DeliveryPending || d.Attempts != 0 || d.LastError != "smtp auth: 535" ||
			!d.NextAttemptAt.Equal(at(time.Second)) || d.Owner != "" {
			t.Errorf("unsent delivery %+v; want pending now, 0 attempts, the error kept", d)
		}
		if got := f.get(sub.ID); got.Bounces != 0 || got.Status != subscriber.Active {
			t.Errorf("subscriber %+v after a relay fault; want active without bounces", got)
		}
	})
	t.Run("RenewLeaseKeepsClaimsOfALiveOwner", func(t *testing.T) {
		f := newFixture(t, open)
		f.addMany(3, subscriber.Active)
		is := f.issue("k")
		f.enqueue(is.ID)
		mine := f.claim(is.ID, "i1", 2, t0) // lease until t0+1m
		if err := markSending(f.ctx, f.s, is.ID, mine[0].SubscriberID, "i1", t0); err != nil {
			t.Fatal(err)
		}
		f.claim(is.ID, "i2", 1, t0)
		n, err := f.s.RenewLease(f.ctx, "i1", at(2*time.Minute), at(50*time.Second))
		if err != nil || n != 2 {
			t.Fatalf("RenewLease = %d, %v; want 2", n, err)
		}
		if got := f.claim(is.ID, "i3", 10, at(90*time.Second)); len(got) != 1 || got[0].Owner != "i3" {
			t.Errorf("claim at +90s took %+v; want only i2's expired claim", got)
		}
		wantEqual(t, "counts", f.counts(is.ID), map[store.DeliveryStatus]int{store.DeliverySending: 1, store.DeliveryClaimed: 2})
	})
}

// runPostsSeen checks the first-seen record of posts.
func runPostsSeen(t *testing.T, open Opener) {
	t.Run("FirstSightingWins", func(t *testing.T) {
		f := newFixture(t, open)
		got, err := f.s.SeePosts(f.ctx, map[string]time.Time{"a": t0, "b": at(time.Hour)})
		if err != nil {
			t.Fatalf("SeePosts: %v", err)
		}
		wantEqual(t, "first sightings", got, map[string]time.Time{"a": t0, "b": at(time.Hour)})
		got, err = f.s.SeePosts(f.ctx, map[string]time.Time{"a": at(2 * time.Hour), "c": at(3 * time.Hour)})
		if err != nil {
			t.Fatalf("SeePosts again: %v", err)
		}
		wantEqual(t, "second sightings", got, map[string]time.Time{"a": t0, "c": at(3 * time.Hour)})
		read, err := f.s.PostsSeen(f.ctx, []string{"a", "b", "c", "never"})
		if err != nil {
			t.Fatalf("PostsSeen: %v", err)
		}
		wantEqual(t, "read back", read, map[string]time.Time{"a": t0, "b": at(time.Hour), "c": at(3 * time.Hour)})
	})
}

// runReleaseSays checks that a delivery left sending by a stop says why
// it is uncertain.
func runReleaseSays(t *testing.T, open Opener) {
	f := newFixture(t, open)
	sub := f.add("ada@example.org", subscriber.Active)
	is := f.issue("k")
	f.enqueue(is.ID)
	f.claim(is.ID, "i1", 1, t0)
	if err := markSending(f.ctx, f.s, is.ID, sub.ID, "i1", t0); err != nil {
		t.Fatal(err)
	}
	if err := f.s.ReleaseOwner(f.ctx, "i1", at(time.Second)); err != nil {
		t.Fatal(err)
	}
	if d := f.delivery(is.ID, sub.ID); d.Status != store.DeliveryUncertain || d.LastError == "" {
		t.Errorf("released sending delivery %+v; want uncertain with a reason", d)
	}
}

// runCopyPostsSeen checks that Copy carries the first sightings over.
func runCopyPostsSeen(t *testing.T, open Opener) {
	src, dst := newFixture(t, open), newFixture(t, open)
	if _, err := src.s.SeePosts(src.ctx, map[string]time.Time{"a": t0, "b": at(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	all, err := src.s.PostsSeen(src.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "every post seen", all, map[string]time.Time{"a": t0, "b": at(time.Hour)})
	res, err := store.Copy(dst.ctx, dst.s, src.s, store.CopyOptions{Now: t0})
	if err != nil || res.PostsSeen != 2 {
		t.Fatalf("Copy = %+v, %v; want 2 posts seen copied", res, err)
	}
	got, err := dst.s.PostsSeen(dst.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "copied sightings", got, all)
}
