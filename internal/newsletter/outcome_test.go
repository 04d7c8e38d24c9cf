package newsletter

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// TestRelayFaultIsNobodysBounce: a scheduled run whose relay refuses the
// login stops with a RelayError naming the setting; the issue stays open,
// every delivery pending without a counted attempt, nobody bounced, even
// with a bounce limit of 1. Once the relay works, Resume finishes it.
func TestRelayFaultIsNobodysBounce(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), func(o *Options) { o.BounceLimit = 1 })
	f.start(n)
	for i := range 5 {
		f.subscribe(fmt.Sprintf("r%d@example.com", i))
	}
	f.addPost("p", t0.Add(time.Minute), nil)
	f.tr.fail = func(m *mail.Message) error {
		return &mail.SendError{Op: mail.OpAuth, Rcpt: m.To.Address, Code: 535, Err: errors.New(`535 "5.7.8 Authentication failed"`)}
	}
	f.clock.Set(nineAM(0))
	r, _ := n.schedule().Next(nineAM(0).Add(-time.Second))
	is, err := n.Tick(context.Background(), r)
	var re *RelayError
	if !errors.As(err, &re) || re.Temporary() || re.Err.Setting() == "" {
		t.Fatalf("Tick = %v, want a permanent RelayError naming a setting", err)
	}
	ctx := context.Background()
	counts, err := f.st.DeliveryCounts(ctx, is.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.DeliveryPending] != 5 {
		t.Errorf("ledger %v after the relay refused the login, want 5 pending", counts)
	}
	ds, _ := f.st.ListDeliveries(ctx, is.ID, "", 0)
	for _, d := range ds {
		if d.Attempts != 0 {
			t.Errorf("%s has %d attempts counted for the relay's fault", d.Email, d.Attempts)
		}
	}
	subs, _ := f.st.ListSubscribers(ctx, store.ListFilter{})
	for _, s := range subs {
		if s.Bounces != 0 || s.Status != subscriber.Active {
			t.Errorf("%s: %s with %d bounces for the relay's fault", s.Email, s.Status, s.Bounces)
		}
	}
	if got, _ := f.st.Issue(ctx, is.ID); got.Status != store.IssueSending {
		t.Errorf("issue %s after the relay fault, want still sending", got.Status)
	}
	f.tr.mu.Lock()
	f.tr.fail = nil
	f.tr.mu.Unlock()
	if err := n.Resume(ctx); err != nil {
		t.Fatalf("Resume once the relay works: %v", err)
	}
	if k := f.tr.count(); k != 5 {
		t.Errorf("%d messages after the resume, want 5", k)
	}
}
