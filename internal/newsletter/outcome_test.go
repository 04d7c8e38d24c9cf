package newsletter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

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

// TestUncertainAcrossIssues: the gauge counts the uncertain deliveries of
// every issue at start, the start-up log names each issue, and
// ResendUncertain(0) sends every issue's again.
func TestUncertainAcrossIssues(t *testing.T) {
	f := newFixture(t)
	reg := prometheus.NewRegistry()
	n := f.engine(daily(t), func(o *Options) { o.Registerer = reg })
	f.start(n)
	ann, bob := f.subscribe("ann@example.com"), f.subscribe("bob@example.com")
	ctx := context.Background()
	for day, hold := range [][]int64{{ann}, {ann, bob}} {
		f.addPost(fmt.Sprintf("p%d", day), nineAM(day).Add(-30*time.Minute), nil)
		is := f.tickAt(n, nineAM(day))
		for _, id := range hold {
			if err := f.st.MarkUncertain(ctx, is.ID, id, "no reply to the final dot", nineAM(day)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := n.Recover(ctx, true); err != nil {
		t.Fatal(err)
	}
	if got := gaugeValue(t, reg, "herald_newsletter_deliveries_uncertain"); got != 3 {
		t.Errorf("uncertain gauge = %v, want 3 (every issue's)", got)
	}
	if k := strings.Count(f.logs.String(), "Uncertain deliveries held"); k != 2 {
		t.Errorf("start-up logged %d issues with uncertain deliveries, want 2:\n%s", k, f.logs)
	}
	before := f.tr.count()
	k, err := n.ResendUncertain(ctx, 0)
	if err != nil || k != 3 {
		t.Fatalf("ResendUncertain(0) = %d, %v; want 3", k, err)
	}
	if sent := f.tr.count() - before; sent != 3 {
		t.Errorf("%d messages resent, want 3", sent)
	}
	if got := gaugeValue(t, reg, "herald_newsletter_deliveries_uncertain"); got != 0 {
		t.Errorf("uncertain gauge after the resend = %v, want 0", got)
	}
}

// gaugeValue reads a gauge from reg.
func gaugeValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name && len(f.GetMetric()) == 1 {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no gauge %s", name)
	return 0
}
