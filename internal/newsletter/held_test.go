package newsletter

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

// otherLease is how long the other herald's claims last in these tests.
const otherLease = 15 * time.Second

// otherHerald is the store as a send sees it while another herald holds
// part of its issue: each time the send reads the leases, the other
// herald, when alive, renews its lease until renewUntil and then sends
// what it holds. A dead one (zero renewUntil) does nothing.
type otherHerald struct {
	*sqlite.Store
	f          *fixture
	held       []store.Handoff
	renewUntil time.Time

	mu   sync.Mutex
	done bool
}

func (o *otherHerald) Leases(ctx context.Context, issueID int64) ([]store.Lease, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.f.clock.Now()
	switch {
	case o.renewUntil.IsZero() || o.done:
	case now.Before(o.renewUntil):
		if _, err := o.Store.RenewLease(ctx, "other#0", now.Add(otherLease), now); err != nil {
			return nil, err
		}
	default:
		o.done = true
		if _, err := o.Store.MarkHandoffs(ctx, nil, o.held, now); err != nil {
			return nil, err
		}
		if _, err := o.Store.MarkHandoffs(ctx, o.held, nil, now); err != nil {
			return nil, err
		}
	}
	return o.Store.Leases(ctx, issueID)
}

// TestWaitOnAnotherHeraldsLease resumes an issue of which another herald
// holds three deliveries (one of them being handed to the relay): the send
// says once that it waits for them and until when at the latest, then what
// came of them: taken back when the lease ended (the one being handed off
// held uncertain, not resent), or sent by their owner, still alive,
// before or after renewing its lease.
func TestWaitOnAnotherHeraldsLease(t *testing.T) {
	cases := []struct {
		name            string
		alive           time.Duration // how long the other herald renews its lease; 0: it is dead
		want            []HeldEvent
		ours, uncertain int // messages this send sends, deliveries left uncertain
	}{
		{"the other herald is dead", 0, []HeldEvent{HeldWaiting, HeldResumed}, 5, 1},
		{"it sends them within its lease", time.Second, []HeldEvent{HeldWaiting}, 3, 0},
		{"it renews its lease and sends them later", 40 * time.Second, []HeldEvent{HeldWaiting, HeldRenewed}, 3, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.start(f.engine(daily(t), nil))
			f.addPost("p", t0.Add(time.Minute), nil)
			for i := range 6 {
				f.subscribe(emailN(i))
			}
			start := t0.Add(time.Hour)
			f.clock.Set(start)
			other := &otherHerald{Store: f.st, f: f, held: seedOtherHerald(t, f, start)}
			if tc.alive > 0 {
				other.renewUntil = start.Add(tc.alive)
			}
			n := f.engine(daily(t), func(o *Options) { o.Store = other })
			var mu sync.Mutex
			var told []Held
			res, err := n.SendNow(context.Background(), SendOptions{Held: func(h Held) {
				mu.Lock()
				defer mu.Unlock()
				told = append(told, h)
			}})
			if err != nil {
				t.Fatalf("SendNow: %v\n%s", err, f.logs)
			}
			var events []HeldEvent
			for _, h := range told {
				events = append(events, h.Event)
			}
			if !slices.Equal(events, tc.want) {
				t.Errorf("told %v; want %v\n%s", events, tc.want, f.logs)
			}
			if len(told) == 0 {
				return
			}
			if w := told[0]; w.IssueID != 1 || w.Claimed != 2 || w.Sending != 1 || !w.Until.Equal(start.Add(otherLease)) && tc.alive == 0 {
				t.Errorf("told %+v first; want issue 1, 2 claimed and 1 sending until %v", w, start.Add(otherLease))
			}
			if last := told[len(told)-1]; last.Event == HeldRenewed && !last.Until.After(told[0].Until) {
				t.Errorf("renewal told until %v, not after the first lease end %v", last.Until, told[0].Until)
			}
			if got := f.tr.count(); got != tc.ours {
				t.Errorf("this send sent %d messages, want %d", got, tc.ours)
			}
			if res.Uncertain != tc.uncertain || res.Sent != 6-tc.uncertain || res.Open != 0 {
				t.Errorf("result %+v; want %d sent, %d uncertain, none open", res, 6-tc.uncertain, tc.uncertain)
			}
			logs := f.logs.String()
			if !strings.Contains(logs, "Waiting for deliveries claimed by another herald") ||
				(tc.uncertain > 0) != strings.Contains(logs, "Deliveries the other herald was handing to the relay held uncertain") {
				t.Errorf("log:\n%s", logs)
			}
		})
	}
}

// seedOtherHerald opens issue 1 with every subscriber's delivery and has
// the other herald claim three of them at now, and start handing the
// first to the relay. It returns those three.
func seedOtherHerald(t *testing.T, f *fixture, now time.Time) []store.Handoff {
	t.Helper()
	ctx := context.Background()
	is := &store.Issue{Key: "manual:1", ScheduledAt: now.Add(-time.Minute), Status: store.IssueSending,
		Since: t0, Until: now.Add(-time.Minute), PostIDs: []string{"p"}}
	if _, err := f.st.CreateIssue(ctx, is, now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.EnqueueDeliveries(ctx, is.ID, func(id int64) string { return "m" + itoa(int(id)) + "@example.com" }, now); err != nil {
		t.Fatal(err)
	}
	ds, err := f.st.ClaimDeliveries(ctx, is.ID, "other#0", 3, otherLease, now)
	if err != nil || len(ds) != 3 {
		t.Fatalf("the other herald claimed %d, %v; want 3", len(ds), err)
	}
	var held []store.Handoff
	for _, d := range ds {
		held = append(held, store.Handoff{IssueID: is.ID, SubscriberID: d.SubscriberID, Owner: "other#0"})
	}
	if res, err := f.st.MarkHandoffs(ctx, nil, held[:1], now); err != nil || res[0] != nil {
		t.Fatalf("mark the other herald's first delivery sending: %v %v", res, err)
	}
	return held
}

// TestDaemonLogsWaitOnAnotherHeraldsLease: the daemon, which resumes an
// issue with nobody at a terminal, logs the wait on a dead herald's lease
// and what came of it.
func TestDaemonLogsWaitOnAnotherHeraldsLease(t *testing.T) {
	f := newFixture(t)
	f.start(f.engine(daily(t), nil))
	f.addPost("p", t0.Add(time.Minute), nil)
	for i := range 4 {
		f.subscribe(emailN(i))
	}
	start := t0.Add(time.Hour)
	f.clock.Set(start)
	seedOtherHerald(t, f, start)
	n := f.engine(daily(t), nil)
	if err := n.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	until := start.Add(otherLease).Format("2006-01-02T15:04:05.000Z07:00") // as slog writes times
	logs := f.logs.String()
	for _, want := range []string{
		`msg="Waiting for deliveries claimed by another herald (stopped, or still sending them)" issue_id=1 deliveries=3 lease_until=` + until,
		`msg="Lease of the other herald ended; resuming its claimed deliveries" issue_id=1 claimed=2 lease_until=` + until,
		`msg="Deliveries the other herald was handing to the relay held uncertain: the relay may have them; see herald issues show, resend with herald send -resend-uncertain" issue_id=1 uncertain=1`,
	} {
		if strings.Count(logs, want) != 1 {
			t.Errorf("the log does not say once\n%s\nit says:\n%s", want, logs)
		}
	}
	if got := f.tr.count(); got != 3 {
		t.Errorf("the daemon sent %d messages, want 3 (1 pending, 2 taken back)", got)
	}
}
