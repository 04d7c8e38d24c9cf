package storetest

import (
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

func runSubscribers(t *testing.T, open Opener) {
	t.Run("CreateRoundTrip", func(t *testing.T) {
		f := newFixture(t, open)
		sub := subscriber.Subscriber{Email: "Ada@Example.com", EmailKey: "ada@example.com", Name: "Ada",
			Topics: []string{"tag:go", "author:ada"}, Source: subscriber.SourceCLI}
		created, err := f.s.CreateSubscriber(f.ctx, &sub, t0)
		if err != nil || !created || sub.ID == 0 {
			t.Fatalf("CreateSubscriber = %v, %v, id %d; want created with an id", created, err, sub.ID)
		}
		if len(sub.TokenKey) != 2*subscriber.TokenKeyLen || sub.LegacyTokens {
			t.Fatalf("new subscriber's token key %q (legacy %v); want %d hex digits, not legacy", sub.TokenKey, sub.LegacyTokens, 2*subscriber.TokenKeyLen)
		}
		want := subscriber.Subscriber{ID: sub.ID, Email: "Ada@example.com", EmailKey: "ada@example.com", Name: "Ada",
			Status: subscriber.Pending, Topics: []string{"tag:go", "author:ada"}, Source: subscriber.SourceCLI,
			CreatedAt: t0, UpdatedAt: t0, TokenKey: sub.TokenKey}
		wantEqual(t, "returned subscriber", sub, want)
		wantEqual(t, "stored subscriber", f.get(sub.ID), want)
		byKey, err := f.s.SubscriberByEmail(f.ctx, "ada@example.com")
		if err != nil {
			t.Fatalf("SubscriberByEmail: %v", err)
		}
		wantEqual(t, "subscriber by email", byKey, want)
	})
	t.Run("CreateActiveStampsConfirmedAt", func(t *testing.T) {
		f := newFixture(t, open)
		sub := f.add("cli@example.com", subscriber.Active)
		if !sub.ConfirmedAt.Equal(t0) || f.get(sub.ID).Topics != nil {
			t.Errorf("active subscriber: ConfirmedAt %v, topics %v; want %v and nil", sub.ConfirmedAt, sub.Topics, t0)
		}
	})
	t.Run("CreateKnownKeyChangesNothing", func(t *testing.T) {
		f := newFixture(t, open)
		first := f.add("bob@example.com", subscriber.Pending)
		again := subscriber.Subscriber{Email: "BOB@example.com", EmailKey: "bob@example.com", Name: "Robert", Status: subscriber.Active}
		created, err := f.s.CreateSubscriber(f.ctx, &again, at(time.Hour))
		if err != nil || created {
			t.Fatalf("CreateSubscriber of a known key = %v, %v; want not created, no error", created, err)
		}
		wantEqual(t, "loaded subscriber", again, first)
		wantEqual(t, "stored subscriber", f.get(first.ID), first)
	})
	t.Run("CreateBadInput", func(t *testing.T) {
		f := newFixture(t, open)
		for name, sub := range map[string]subscriber.Subscriber{
			"bad email":      {Email: "not an address"},
			"unknown status": {Email: "x@example.com", Status: "sleeping"},
		} {
			if created, err := f.s.CreateSubscriber(f.ctx, &sub, t0); err == nil || created {
				t.Errorf("%s: CreateSubscriber = %v, %v; want an error", name, created, err)
			}
		}
		if c, _ := f.s.CountSubscribers(f.ctx); len(c) != 0 {
			t.Errorf("after refused inserts, counts = %v; want none", c)
		}
	})
	t.Run("NotFound", func(t *testing.T) { runSubscriberNotFound(t, newFixture(t, open)) })
	t.Run("Transitions", func(t *testing.T) { runTransitions(t, open) })
	t.Run("Edits", func(t *testing.T) { runEdits(t, newFixture(t, open)) })
	t.Run("ListAndCount", func(t *testing.T) { runList(t, newFixture(t, open)) })
	t.Run("IDsNeverReused", func(t *testing.T) { runIDsNeverReused(t, newFixture(t, open)) })
	t.Run("TokenKeys", func(t *testing.T) { runTokenKeys(t, newFixture(t, open)) })
}

func runSubscriberNotFound(t *testing.T, f *fixture) {
	ctx, missing := f.ctx, int64(404)
	_, err := f.s.Subscriber(ctx, missing)
	wantErr(t, "Subscriber", err, store.ErrNotFound)
	_, err = f.s.SubscriberByEmail(ctx, "nobody@example.com")
	wantErr(t, "SubscriberByEmail", err, store.ErrNotFound)
	_, err = f.s.Confirm(ctx, missing, t0)
	wantErr(t, "Confirm", err, store.ErrNotFound)
	_, err = f.s.Unsubscribe(ctx, missing, t0)
	wantErr(t, "Unsubscribe", err, store.ErrNotFound)
	_, err = f.s.Resubscribe(ctx, missing, t0)
	wantErr(t, "Resubscribe", err, store.ErrNotFound)
	wantErr(t, "SetTopics", f.s.SetTopics(ctx, missing, nil, t0), store.ErrNotFound)
	wantErr(t, "SetName", f.s.SetName(ctx, missing, "x", t0), store.ErrNotFound)
	wantErr(t, "MarkConfirmSent", f.s.MarkConfirmSent(ctx, missing, t0), store.ErrNotFound)
	wantErr(t, "DeleteSubscriber", f.s.DeleteSubscriber(ctx, missing), store.ErrNotFound)
}

// runTransitions walks one subscriber through every status change; each
// step gives the action, the status after it, and which time it stamps.
func runTransitions(t *testing.T, open Opener) {
	f := newFixture(t, open)
	sub := f.add("walk@example.com", subscriber.Pending)
	act := map[string]func(int64, time.Time) (subscriber.Subscriber, error){
		"confirm": func(id int64, now time.Time) (subscriber.Subscriber, error) { return f.s.Confirm(f.ctx, id, now) },
		"unsub":   func(id int64, now time.Time) (subscriber.Subscriber, error) { return f.s.Unsubscribe(f.ctx, id, now) },
		"resub":   func(id int64, now time.Time) (subscriber.Subscriber, error) { return f.s.Resubscribe(f.ctx, id, now) },
	}
	steps := []struct {
		name, action string
		want         subscriber.Status
		stamp        func(subscriber.Subscriber) time.Time // the time this step must set (nil: none)
		changes      bool
	}{
		{"pending confirms", "confirm", subscriber.Active, func(s subscriber.Subscriber) time.Time { return s.ConfirmedAt }, true},
		{"active stays active", "confirm", subscriber.Active, nil, false},
		{"active unsubscribes", "unsub", subscriber.Unsubscribed, func(s subscriber.Subscriber) time.Time { return s.UnsubscribedAt }, true},
		{"unsubscribed cannot confirm", "confirm", subscriber.Unsubscribed, nil, false},
		{"unsubscribed stays unsubscribed", "unsub", subscriber.Unsubscribed, nil, false},
		{"unsubscribed resubscribes", "resub", subscriber.Pending, nil, true},
		{"pending resubscribe is a no-op", "resub", subscriber.Pending, nil, false},
		{"pending unsubscribes", "unsub", subscriber.Unsubscribed, func(s subscriber.Subscriber) time.Time { return s.UnsubscribedAt }, true},
	}
	for i, st := range steps {
		now := at(time.Duration(i+1) * time.Hour)
		before := f.get(sub.ID)
		got, err := act[st.action](sub.ID, now)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		wantEqual(t, st.name+": returned vs stored", got, f.get(sub.ID))
		if got.Status != st.want {
			t.Errorf("%s: status %s, want %s", st.name, got.Status, st.want)
		}
		if st.stamp != nil && !st.stamp(got).Equal(now) {
			t.Errorf("%s: stamped time %v, want %v", st.name, st.stamp(got), now)
		}
		if !st.changes {
			wantEqual(t, st.name+": unchanged", got, before)
		} else if !got.UpdatedAt.Equal(now) {
			t.Errorf("%s: UpdatedAt %v, want %v", st.name, got.UpdatedAt, now)
		}
	}
	bounced := f.add("gone@example.com", subscriber.Bounced)
	if got, err := f.s.Confirm(f.ctx, bounced.ID, at(time.Hour)); err != nil || got.Status != subscriber.Bounced {
		t.Errorf("Confirm of a bounced subscriber = %s, %v; want bounced", got.Status, err)
	}
}

func runEdits(t *testing.T, f *fixture) {
	sub := f.add("edit@example.com", subscriber.Active)
	now := at(time.Hour)
	if err := f.s.SetTopics(f.ctx, sub.ID, []string{"tag:rust"}, now); err != nil {
		t.Fatalf("SetTopics: %v", err)
	}
	if err := f.s.SetName(f.ctx, sub.ID, "Edith", now); err != nil {
		t.Fatalf("SetName: %v", err)
	}
	if err := f.s.MarkConfirmSent(f.ctx, sub.ID, now); err != nil {
		t.Fatalf("MarkConfirmSent: %v", err)
	}
	got := f.get(sub.ID)
	sub.Topics, sub.Name, sub.ConfirmSentAt, sub.UpdatedAt = []string{"tag:rust"}, "Edith", now, now
	wantEqual(t, "after edits", got, sub)
	if err := f.s.SetTopics(f.ctx, sub.ID, nil, now); err != nil || f.get(sub.ID).Topics != nil {
		t.Errorf("SetTopics(nil) = %v, topics %v; want all posts (nil)", err, f.get(sub.ID).Topics)
	}
	if err := f.s.DeleteSubscriber(f.ctx, sub.ID); err != nil {
		t.Fatalf("DeleteSubscriber: %v", err)
	}
	_, err := f.s.Subscriber(f.ctx, sub.ID)
	wantErr(t, "Subscriber after delete", err, store.ErrNotFound)
}

func runList(t *testing.T, f *fixture) {
	a := f.add("a@example.com", subscriber.Active)
	b := f.add("b@example.com", subscriber.Pending)
	c := f.add("c@example.com", subscriber.Active)
	d := f.add("d@example.com", subscriber.Unsubscribed)
	cases := []struct {
		name   string
		filter store.ListFilter
		want   []int64
	}{
		{"all", store.ListFilter{}, []int64{a.ID, b.ID, c.ID, d.ID}},
		{"active", store.ListFilter{Status: subscriber.Active}, []int64{a.ID, c.ID}},
		{"after a", store.ListFilter{AfterID: a.ID}, []int64{b.ID, c.ID, d.ID}},
		{"limit 2", store.ListFilter{Limit: 2}, []int64{a.ID, b.ID}},
		{"active after a, limit 1", store.ListFilter{Status: subscriber.Active, AfterID: a.ID, Limit: 1}, []int64{c.ID}},
		{"none bounced", store.ListFilter{Status: subscriber.Bounced}, nil},
	}
	for _, tc := range cases {
		list, err := f.s.ListSubscribers(f.ctx, tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var ids []int64
		for _, s := range list {
			ids = append(ids, s.ID)
		}
		wantEqual(t, tc.name, ids, tc.want)
	}
	counts, err := f.s.CountSubscribers(f.ctx)
	if err != nil {
		t.Fatalf("CountSubscribers: %v", err)
	}
	wantEqual(t, "counts", counts, map[subscriber.Status]int{subscriber.Active: 2, subscriber.Pending: 1, subscriber.Unsubscribed: 1})
}
