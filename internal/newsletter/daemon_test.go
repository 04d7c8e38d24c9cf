package newsletter

import (
	"github.com/heraldhq/herald/internal/clock/clocktest"

	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/store"
)

func TestRunFollowsReloadedSchedule(t *testing.T) {
	f := newFixture(t)
	clock := &clocktest.Fake{Waiting: make(chan time.Time, 10)}
	clock.Set(t0)
	n := f.engine(daily(t), func(o *Options) { o.Clock, o.Workers = clock, 1 }) // one worker never polls
	f.subscribe("ann@example.com")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()

	if at := <-clock.Waiting; !at.Equal(nineAM(0)) {
		t.Fatalf("Run sleeps until %s, want %s", at, nineAM(0))
	}
	f.addPost("a", t0.Add(time.Minute), nil)
	clock.Set(nineAM(0))
	if at := <-clock.Waiting; !at.Equal(nineAM(1)) {
		t.Fatalf("after the first run Run sleeps until %s, want %s", at, nineAM(1))
	}
	if got := len(f.tr.to("ann@example.com")); got != 1 {
		t.Fatalf("first run sent %d messages, want 1", got)
	}

	// The operator declares a vacation covering day 1 while the daemon sleeps.
	n.SetSchedule(daily(t, schedule.Vacation{From: nineAM(1), Until: nineAM(2), Note: "ill"}))
	if at := <-clock.Waiting; !at.Equal(nineAM(1)) {
		t.Fatalf("after the reload Run sleeps until %s, want %s", at, nineAM(1))
	}
	f.addPost("b", nineAM(0).Add(time.Hour), nil)
	clock.Set(nineAM(1))
	<-clock.Waiting
	last, err := f.st.LastIssue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if last.Status != store.IssueSkipped || !strings.Contains(last.Reason, "vacation until") || !last.ScheduledAt.Equal(nineAM(1)) {
		t.Errorf("day 1 issue = %s %s %q, want skipped for the vacation", last.ScheduledAt, last.Status, last.Reason)
	}
	if got := len(f.tr.to("ann@example.com")); got != 1 {
		t.Errorf("%d messages after the vacation run, want still 1", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v after cancel, want nil", err)
	}
}

func TestResendUncertain(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), nil)
	f.start(n)
	f.subscribe("ann@example.com")
	f.addPost("a", t0.Add(time.Minute), nil)
	f.clock.Set(nineAM(0))
	ctx := context.Background()
	is, err := n.openIssue(ctx, schedule.Run{At: nineAM(0)}, "", false)
	if err != nil {
		t.Fatal(err)
	}
	// A crash right after the hand-off: the delivery stays "sending".
	install, err := n.installID(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	msgID := func(id int64) string { return n.messageID(install, is.ID, is.ScheduledAt, id) }
	if _, err := f.st.EnqueueDeliveries(ctx, is.ID, msgID, nineAM(0)); err != nil {
		t.Fatal(err)
	}
	ds, err := f.st.ClaimDeliveries(ctx, is.ID, "dead#0", 10, time.Minute, nineAM(0))
	if err != nil || len(ds) != 1 {
		t.Fatalf("claim: %v %v", ds, err)
	}
	if res, err := f.st.MarkHandoffs(ctx, nil, []store.Handoff{{IssueID: is.ID, SubscriberID: ds[0].SubscriberID, Owner: "dead#0"}}, nineAM(0)); err != nil || res[0] != nil {
		t.Fatalf("mark sending: %v %v", res, err)
	}
	if err := n.Recover(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := n.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if f.tr.count() != 0 {
		t.Fatalf("resume sent %d messages; an uncertain delivery must be held", f.tr.count())
	}
	if !strings.Contains(f.logs.String(), "Uncertain deliveries held") {
		t.Errorf("log does not report the held delivery:\n%s", f.logs)
	}
	k, err := n.ResendUncertain(ctx, is.ID)
	if err != nil || k != 1 {
		t.Fatalf("ResendUncertain = %d, %v; want 1", k, err)
	}
	got := f.tr.to("ann@example.com")
	if len(got) != 1 || got[0].MessageID != ds[0].MessageID {
		t.Errorf("resent %d messages, want one with the original Message-ID %s", len(got), ds[0].MessageID)
	}
}

func TestNewRejectsOptions(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"no store", func(o *Options) { o.Store = nil }, "missing Store"},
		{"no links", func(o *Options) { o.Links = nil }, "missing Links"},
		{"bad from", func(o *Options) { o.From.Address = "not an address" }, "from address"},
		{"bad mode", func(o *Options) { o.Mode = "weekly" }, "mode"},
		{"bad after vacation", func(o *Options) { o.AfterVacation = "later" }, "after_vacation"},
		{"negative workers", func(o *Options) { o.Workers = -1 }, "negative"},
		{"bad subject", func(o *Options) { o.Subject = "{{.Nope" }, "subject template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := f.options(daily(t))
			tt.edit(&opts)
			_, err := New(opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v, want one mentioning %q", err, tt.want)
			}
			if tt.name != "bad subject" && !errors.Is(err, ErrBadOptions) {
				t.Errorf("error %v does not wrap ErrBadOptions", err)
			}
		})
	}
}

// TestStopDuringSend stops the daemon loop (SIGTERM) while an issue goes
// out: the messages being handed over finish and are recorded sent, the
// claimed ones go back to pending, nothing is left uncertain, and the log
// says what remains.
func TestStopDuringSend(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), nil)
	f.start(n)
	for i := range 20 {
		f.subscribe(fmt.Sprintf("r%02d@example.com", i))
	}
	f.addPost("p", t0.Add(time.Minute), nil)
	ctx, cancel := context.WithCancel(context.Background())
	var sends atomic.Int32
	f.tr.hook = func(*mail.Message) {
		if sends.Add(1) == 3 {
			cancel() // SIGTERM while the third message is being handed over
		}
	}
	f.clock.Set(nineAM(0))
	if err := n.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	is, err := f.st.LastIssue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	counts, err := f.st.DeliveryCounts(context.Background(), is.ID)
	if err != nil {
		t.Fatal(err)
	}
	sent := f.tr.count()
	if counts[store.DeliverySent] != sent || counts[store.DeliveryUncertain]+counts[store.DeliveryClaimed]+counts[store.DeliverySending] != 0 ||
		counts[store.DeliveryPending] != 20-sent {
		t.Errorf("after the stop: ledger %v, relay has %d; want every handed-over message sent and the rest pending", counts, sent)
	}
	if !strings.Contains(f.logs.String(), "Newsletter stopped with deliveries pending") {
		t.Errorf("the log does not say what remains:\n%s", f.logs)
	}
}
