package newsletter

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

func TestUnsubscribeMidSendGetsNothing(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), func(o *Options) { o.Workers, o.Batch = 1, 5 })
	f.start(n)
	var ids []int64
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		ids = append(ids, f.subscribe(e))
	}
	f.addPost("p", t0.Add(time.Minute), nil)
	var once sync.Once
	f.tr.hook = func(*mail.Message) { // while the first message goes out, b leaves
		once.Do(func() {
			if _, err := f.st.Unsubscribe(context.Background(), ids[1], f.clock.Now()); err != nil {
				t.Error(err)
			}
		})
	}
	is := f.tickAt(n, nineAM(0))
	if got := f.tr.to("b@example.com"); len(got) != 0 {
		t.Errorf("b unsubscribed during the send and still got %d messages", len(got))
	}
	if len(f.tr.to("a@example.com")) != 1 || len(f.tr.to("c@example.com")) != 1 {
		t.Errorf("a and c got %d and %d messages, want 1 each", len(f.tr.to("a@example.com")), len(f.tr.to("c@example.com")))
	}
	counts, _ := f.st.DeliveryCounts(context.Background(), is.ID)
	if counts[store.DeliverySkipped] != 1 {
		t.Errorf("delivery counts %v, want b skipped", counts)
	}
}

func TestPermanentFailureBounces(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), func(o *Options) { o.BounceLimit = 2 })
	f.start(n)
	bad := f.subscribe("gone@example.com")
	f.subscribe("ok@example.com")
	f.tr.fail = func(m *mail.Message) error {
		if m.To.Address == "gone@example.com" {
			return smtpError(m.To.Address, 550)
		}
		return nil
	}
	for day := range 3 {
		f.addPost("p"+string(rune('a'+day)), nineAM(day).Add(-time.Minute), nil)
		is := f.tickAt(n, nineAM(day))
		ds, err := f.st.ListDeliveries(context.Background(), is.ID, store.DeliveryFailed, 0)
		if err != nil {
			t.Fatal(err)
		}
		wantFailed := 1
		if day == 2 {
			wantFailed = 0 // bounced after two failures: no longer enqueued
		}
		if len(ds) != wantFailed {
			t.Errorf("day %d: %d failed deliveries, want %d", day, len(ds), wantFailed)
		}
		if wantFailed == 1 && ds[0].Attempts != 1 {
			t.Errorf("day %d: a 550 was tried %d times, want once", day, ds[0].Attempts)
		}
	}
	sub, err := f.st.Subscriber(context.Background(), bad)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != subscriber.Bounced {
		t.Errorf("after two 550s the subscriber is %s, want bounced", sub.Status)
	}
	if got := len(f.tr.to("ok@example.com")); got != 3 {
		t.Errorf("ok@ got %d messages, want 3", got)
	}
}

func TestTemporaryFailureRetried(t *testing.T) {
	tests := []struct {
		name      string
		failures  int
		status    store.DeliveryStatus
		attempts  int
		delivered int
	}{
		{"451 twice then sent", 2, store.DeliverySent, 3, 1},
		{"451 until attempts run out", 10, store.DeliveryFailed, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			n := f.engine(daily(t), func(o *Options) { o.MaxAttempts = 4 })
			f.start(n)
			f.subscribe("slow@example.com")
			f.addPost("p", t0.Add(time.Minute), nil)
			var mu sync.Mutex
			left := tt.failures
			f.tr.fail = func(m *mail.Message) error {
				mu.Lock()
				defer mu.Unlock()
				if left > 0 {
					left--
					return smtpError(m.To.Address, 451)
				}
				return nil
			}
			is := f.tickAt(n, nineAM(0))
			ds, err := f.st.ListDeliveries(context.Background(), is.ID, tt.status, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 1 || ds[0].Attempts != tt.attempts {
				t.Fatalf("deliveries %+v, want one %s after %d attempts", ds, tt.status, tt.attempts)
			}
			if got := len(f.tr.to("slow@example.com")); got != tt.delivered {
				t.Errorf("%d delivered, want %d", got, tt.delivered)
			}
			if f.clock.Now().Sub(nineAM(0)) < time.Minute {
				t.Errorf("retries did not wait for the backoff: clock only at %s", f.clock.Now())
			}
		})
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	n := &Newsletter{opts: Options{RetryBase: time.Minute}}
	for attempt, base := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 20: 64 * time.Minute} {
		for range 20 {
			if d := n.backoff(attempt); d < base || d > base+base/2 {
				t.Errorf("backoff(%d) = %s, want within [%s, %s]", attempt, d, base, base+base/2)
			}
		}
	}
}

func TestTwoEnginesSendOnce(t *testing.T) {
	f := newFixture(t)
	a := f.engine(daily(t), func(o *Options) { o.Owner, o.Batch = "a", 3 })
	b := f.engine(daily(t), func(o *Options) { o.Owner, o.Batch = "b", 3 })
	f.start(a)
	const subs = 40
	for i := range subs {
		f.subscribe(emailN(i))
	}
	f.addPost("p", t0.Add(time.Minute), nil)
	f.clock.Set(nineAM(0))
	r, _ := daily(t).Next(t0)
	var wg sync.WaitGroup
	issues := make([]store.Issue, 2)
	for i, n := range []*Newsletter{a, b} {
		wg.Go(func() {
			is, err := n.Tick(context.Background(), r)
			if err != nil {
				t.Error(err)
			}
			issues[i] = is
		})
	}
	wg.Wait()
	if issues[0].ID != issues[1].ID {
		t.Errorf("engines made issues %d and %d for one run, want one", issues[0].ID, issues[1].ID)
	}
	for i := range subs {
		if got := len(f.tr.to(emailN(i))); got != 1 {
			t.Errorf("%s got %d messages, want 1", emailN(i), got)
		}
	}
	all, _ := f.st.ListIssues(context.Background(), 0)
	if len(all) != 1 {
		t.Errorf("%d issues in the store, want 1", len(all))
	}
}

func emailN(i int) string { return "reader" + itoa(i) + "@example.com" }

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func TestMetricsCount(t *testing.T) {
	f := newFixture(t)
	reg := prometheus.NewRegistry()
	n := f.engine(daily(t), func(o *Options) { o.Registerer = reg })
	f.engine(daily(t), func(o *Options) { o.Registerer = reg }) // a second engine shares the collectors
	f.start(n)
	f.subscribe("ok@example.com")
	f.subscribe("slow@example.com")
	f.subscribe("gone@example.com")
	f.addPost("p", t0.Add(time.Minute), nil)
	var mu sync.Mutex
	slowLeft := 1
	f.tr.fail = func(m *mail.Message) error {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case m.To.Address == "gone@example.com":
			return smtpError(m.To.Address, 550)
		case m.To.Address == "slow@example.com" && slowLeft > 0:
			slowLeft--
			return smtpError(m.To.Address, 451)
		}
		return nil
	}
	f.tickAt(n, nineAM(0))
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, fam := range families {
		for _, m := range fam.GetMetric() {
			got[fam.GetName()] = m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	want := map[string]float64{
		"herald_newsletter_messages_sent_total":          2,
		"herald_newsletter_messages_failed_total":        1,
		"herald_newsletter_messages_retried_total":       1,
		"herald_newsletter_last_issue_timestamp_seconds": float64(nineAM(0).Unix()),
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %v, want %v", name, got[name], v)
		}
	}
}

func TestRestPoll(t *testing.T) {
	tests := []struct {
		name    string
		pending bool
		base    time.Duration
		want    time.Duration
	}{
		{"retries pending wait half a retry step", true, time.Minute, 30 * time.Second},
		{"retry step capped", true, time.Hour, 30 * time.Second},
		{"only claims of others poll briefly", false, time.Minute, 250 * time.Millisecond},
		{"short retry base stays short", false, 100 * time.Millisecond, 50 * time.Millisecond},
		{"zero retry base never spins", false, 0, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := restPoll(tt.pending, tt.base); got != tt.want {
				t.Errorf("restPoll(%v, %v) = %v, want %v", tt.pending, tt.base, got, tt.want)
			}
		})
	}
}
