package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/subscriber"
)

// runIDsNeverReused removes subscribers, the newest among them, and checks
// that later ones get new ids and keys, and that a removed subscriber's
// links match nobody: an erasure must not hand their links to the next
// person.
func runIDsNeverReused(t *testing.T, f *fixture) {
	signer, err := subscriber.NewSigner(bytes.Repeat([]byte("s"), subscriber.MinSecretLen))
	if err != nil {
		t.Fatal(err)
	}
	a := f.add("a@example.com", subscriber.Active)
	b := f.add("b@example.com", subscriber.Pending)
	links := map[subscriber.Purpose]string{
		subscriber.PurposeConfirm:     signer.Token(subscriber.PurposeConfirm, b, t0.Add(time.Hour)),
		subscriber.PurposePreferences: signer.Token(subscriber.PurposePreferences, b, time.Time{}),
		subscriber.PurposeUnsubscribe: signer.Token(subscriber.PurposeUnsubscribe, b, time.Time{}),
	}
	if err := f.s.DeleteSubscriber(f.ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	c := f.add("c@example.com", subscriber.Pending)
	if c.ID <= b.ID {
		t.Fatalf("after removing the newest subscriber (id %d), the next got id %d; want a new id", b.ID, c.ID)
	}
	if err := f.s.DeleteSubscriber(f.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	d := f.add("d@example.com", subscriber.Pending)
	if d.ID <= c.ID || d.ID == a.ID {
		t.Fatalf("ids %d, %d, then %d after removing %d: want each new id above all before", b.ID, c.ID, d.ID, a.ID)
	}
	for p, token := range links {
		claims, err := signer.Verify(p, token, t0)
		if err != nil {
			t.Fatalf("Verify %c: %v", p, err)
		}
		for _, sub := range []subscriber.Subscriber{f.get(c.ID), f.get(d.ID)} {
			if claims.Matches(sub) {
				t.Errorf("removed subscriber %d's %c link matches subscriber %d", b.ID, p, sub.ID)
			}
		}
	}
}

// runTokenKeys checks that keys are fresh per subscriber, survive every
// change, and that Import keeps a given key (a copy between stores keeps
// the links working) and makes one otherwise.
func runTokenKeys(t *testing.T, f *fixture) {
	a, b := f.add("k1@example.com", subscriber.Pending), f.add("k2@example.com", subscriber.Pending)
	if a.TokenKey == b.TokenKey || a.TokenKey == "" {
		t.Fatalf("token keys %q and %q; want two different keys", a.TokenKey, b.TokenKey)
	}
	if err := f.s.SetName(f.ctx, a.ID, "Kay", at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Confirm(f.ctx, a.ID, at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Unsubscribe(f.ctx, a.ID, at(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Resubscribe(f.ctx, a.ID, at(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := f.get(a.ID); got.TokenKey != a.TokenKey || got.LegacyTokens {
		t.Errorf("after edits the key is %q (legacy %v), want %q kept", got.TokenKey, got.LegacyTokens, a.TokenKey)
	}
	given := subscriber.NewTokenKey()
	subs := []subscriber.Subscriber{
		{Email: "copied@example.com", Status: subscriber.Active, TokenKey: given, LegacyTokens: true},
		{Email: "imported@example.com", Status: subscriber.Active},
	}
	if _, err := f.s.Import(f.ctx, subs, t0); err != nil {
		t.Fatal(err)
	}
	copied, err := f.s.SubscriberByEmail(f.ctx, "copied@example.com")
	if err != nil || copied.TokenKey != given || !copied.LegacyTokens {
		t.Errorf("imported with a key: %q legacy %v, %v; want %q, legacy kept", copied.TokenKey, copied.LegacyTokens, err, given)
	}
	imported, err := f.s.SubscriberByEmail(f.ctx, "imported@example.com")
	if err != nil || len(imported.TokenKey) != 2*subscriber.TokenKeyLen || imported.LegacyTokens {
		t.Errorf("imported without a key: %q legacy %v, %v; want a fresh key", imported.TokenKey, imported.LegacyTokens, err)
	}
}
