package newsletter

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

// gatedStore holds the first MarkHandoffs call until gate is closed and
// counts the calls.
type gatedStore struct {
	store.Store
	calls   atomic.Int32
	entered chan struct{}
	gate    chan struct{}
}

func (g *gatedStore) MarkHandoffs(ctx context.Context, sent, sending []store.Handoff, now time.Time) ([]error, error) {
	if g.calls.Add(1) == 1 {
		close(g.entered)
		<-g.gate
	}
	return g.Store.MarkHandoffs(ctx, sent, sending, now)
}

// claimEach enqueues an issue to subs subscribers and claims one delivery
// for each owner; it returns the claimed deliveries' hand-offs.
func claimEach(t *testing.T, f *fixture, owners ...string) []store.Handoff {
	ctx := context.Background()
	for i := range owners {
		f.subscribe(emailN(i))
	}
	is := store.Issue{Key: "k", ScheduledAt: t0}
	if _, err := f.st.CreateIssue(ctx, &is, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.EnqueueDeliveries(ctx, is.ID, func(id int64) string { return emailN(int(id)) }, t0); err != nil {
		t.Fatal(err)
	}
	var hs []store.Handoff
	for _, owner := range owners {
		ds, err := f.st.ClaimDeliveries(ctx, is.ID, owner, 1, time.Hour, t0)
		if err != nil || len(ds) != 1 {
			t.Fatalf("claim for %s: %v, %v", owner, ds, err)
		}
		hs = append(hs, store.Handoff{IssueID: is.ID, SubscriberID: ds[0].SubscriberID, Owner: owner})
	}
	return hs
}

// TestHandoffsGroupCommit queues three workers' marks behind a commit in
// flight and checks that they go into one transaction, each worker getting
// its own outcome.
func TestHandoffsGroupCommit(t *testing.T) {
	f := newFixture(t)
	hs := claimEach(t, f, "w0", "w1", "w2", "w3")
	g := &gatedStore{Store: f.st, entered: make(chan struct{}), gate: make(chan struct{})}
	marks := newHandoffs(g, f.clock.Now)
	ctx := context.Background()
	results := make([]error, len(hs))
	var wg sync.WaitGroup
	wg.Go(func() { results[0], _ = marks.mark(ctx, nil, &hs[0]) })
	<-g.entered
	hs[3].Owner = "someone else"
	for i := 1; i < len(hs); i++ {
		wg.Go(func() {
			var err error
			if results[i], err = marks.mark(ctx, nil, &hs[i]); err != nil {
				t.Errorf("mark %d: %v", i, err)
			}
		})
	}
	for queued(marks) < len(hs)-1 {
		runtime.Gosched()
	}
	close(g.gate)
	wg.Wait()
	if n := g.calls.Load(); n != 2 {
		t.Errorf("%d transactions for 4 marks, want 2 (one in flight, one for the queue)", n)
	}
	for i, want := range []error{nil, nil, nil, store.ErrNotClaimed} {
		if !errors.Is(results[i], want) {
			t.Errorf("worker %d got %v, want %v", i, results[i], want)
		}
	}
	wantStatus(t, f, hs[0], store.DeliverySending)
	wantStatus(t, f, hs[3], store.DeliveryClaimed)
}

// TestHandoffsSentRidesWithSending checks that a sent mark is committed
// with the next sending mark, and alone when there is none.
func TestHandoffsSentRidesWithSending(t *testing.T) {
	f := newFixture(t)
	hs := claimEach(t, f, "w0", "w0")
	marks := newHandoffs(f.st, f.clock.Now)
	ctx := context.Background()
	for _, step := range []struct{ sent, sending *store.Handoff }{{nil, &hs[0]}, {&hs[0], &hs[1]}, {&hs[1], nil}} {
		if res, err := marks.mark(ctx, step.sent, step.sending); res != nil || err != nil {
			t.Fatalf("mark: %v, %v", res, err)
		}
		if step.sending != nil {
			wantStatus(t, f, *step.sending, store.DeliverySending)
		}
		if step.sent != nil {
			wantStatus(t, f, *step.sent, store.DeliverySent)
		}
	}
	missing := store.Handoff{IssueID: hs[0].IssueID, SubscriberID: 404}
	if _, err := marks.mark(ctx, &missing, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("sent mark of a missing delivery: %v, want ErrNotFound", err)
	}
}

func queued(h *handoffs) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.queue)
}

func wantStatus(t *testing.T, f *fixture, h store.Handoff, want store.DeliveryStatus) {
	t.Helper()
	ds, err := f.st.ListDeliveries(context.Background(), h.IssueID, want, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.SubscriberID == h.SubscriberID {
			return
		}
	}
	t.Errorf("delivery to subscriber %d is not %s", h.SubscriberID, want)
}

// TestReporterThrottles checks that progress is counted at most once per
// reportEvery of the engine's clock, and always when forced.
func TestReporterThrottles(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), nil)
	hs := claimEach(t, f, "w0")
	var calls []int
	rep := &reporter{n: n, fn: func(done, total int) { calls = append(calls, total) }}
	steps := []struct {
		name  string
		after time.Duration
		force bool
		want  int
	}{
		{"first call", 0, false, 1},
		{"too soon", reportEvery / 2, false, 1},
		{"a full period after the first", reportEvery / 2, false, 2},
		{"forced at once", 0, true, 3},
		{"too soon after the forced one", reportEvery - time.Nanosecond, false, 3},
	}
	for _, step := range steps {
		f.clock.Set(f.clock.Now().Add(step.after))
		rep.report(context.Background(), hs[0].IssueID, step.force)
		if len(calls) != step.want {
			t.Errorf("%s: %d progress calls, want %d", step.name, len(calls), step.want)
		}
	}
	if calls[0] != 1 {
		t.Errorf("progress total %d, want 1 delivery", calls[0])
	}
	var silent reporter
	silent.report(context.Background(), hs[0].IssueID, true) // nil fn: must not panic
}

// TestHandoffsCommitWhenNeeded checks that started marks wait in the queue
// until one of them is needed, and then go in one transaction together.
func TestHandoffsCommitWhenNeeded(t *testing.T) {
	f := newFixture(t)
	hs := claimEach(t, f, "w0", "w1", "w2")
	g := &gatedStore{Store: f.st, entered: make(chan struct{}), gate: make(chan struct{})}
	close(g.gate)
	marks := newHandoffs(g, f.clock.Now)
	var pending []*pendingMark
	for i := range hs {
		pending = append(pending, marks.start(context.Background(), nil, &hs[i]))
	}
	if n := g.calls.Load(); n != 0 {
		t.Fatalf("%d transactions before any mark was needed, want 0", n)
	}
	wantStatus(t, f, hs[0], store.DeliveryClaimed)
	if res, err := pending[1].wait(); res != nil || err != nil {
		t.Fatalf("wait: %v, %v", res, err)
	}
	for i, p := range pending {
		select {
		case <-p.done:
		default:
			t.Errorf("mark %d not committed with the one that was needed", i)
		}
		wantStatus(t, f, hs[i], store.DeliverySending)
	}
	if n := g.calls.Load(); n != 1 {
		t.Errorf("%d transactions for 3 marks, want 1", n)
	}
}
