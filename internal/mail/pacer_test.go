package mail

import (
	"github.com/heraldhq/herald/internal/clock/clocktest"

	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/heraldhq/herald/internal/mail/smtptest"
)

// pacerStart is when the pacer tests' clocks start.
var pacerStart = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func TestSMTPRateLimits(t *testing.T) {
	srv := smtptest.Start(t)
	clock := clocktest.NewAuto(pacerStart)
	s := newTestSMTP(t, srv, func(c *SMTPConfig) {
		c.Rate = 10
		c.DomainRates = map[string]float64{"Slow.example": 2}
		c.Clock = clock
	})
	rcpts := []string{"a@fast.example", "b@fast.example", "c@slow.example", "d@slow.example", "e@fast.example"}
	for i, r := range rcpts {
		if err := s.Send(context.Background(), msgTo(i, r)); err != nil {
			t.Fatalf("Send to %s: %v", r, err)
		}
	}
	// 10/s globally: 100ms apart (a at 0, b at 100ms, c at 200ms). c took
	// slow.example's token at 100ms, when it asked; at 2/s d may leave at
	// 600ms, so it waits 400ms. By then the global limiter has a token
	// again, so e leaves at once. (A and e do not wait.)
	want := []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 400 * time.Millisecond}
	if fmt.Sprint(clock.Waits()) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", clock.Waits(), want)
	}
	if got := srv.Stats().Delivered; got != len(rcpts) {
		t.Errorf("server received %d messages, want %d", got, len(rcpts))
	}
}

func TestPacerSlowDown(t *testing.T) {
	tests := []struct {
		name  string
		base  float64
		conns int
		steps []time.Duration // clock advance before each temporary failure
		want  []float64       // global rate after each failure
	}{
		{"halves", 100, 1, []time.Duration{0, 2 * time.Second, 2 * time.Second}, []float64{50, 25, 12.5}},
		{"once per second", 100, 1, []time.Duration{0, 100 * time.Millisecond, time.Second}, []float64{50, 50, 25}},
		{"floor of one per second", 3, 1, []time.Duration{0, 2 * time.Second, 2 * time.Second}, []float64{1.5, 1, 1}},
		{"floor is the base when lower", 0.5, 1, []time.Duration{0, 2 * time.Second}, []float64{0.5, 0.5}},
		{"unlimited falls back to connections", 0, 8, []time.Duration{0, 2 * time.Second}, []float64{4, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := clocktest.New(pacerStart)
			p := newPacer(tt.base, nil, tt.conns, clock)
			for i, d := range tt.steps {
				clock.Advance(d)
				if got := float64(p.slowDown("example.org")); got != tt.want[i] {
					t.Errorf("failure %d: rate %g, want %g", i+1, got, tt.want[i])
				}
			}
		})
	}
}

func TestPacerRecoversAfterAMinute(t *testing.T) {
	clock := clocktest.New(pacerStart)
	p := newPacer(100, map[string]float64{"example.org": 10}, 1, clock)
	p.slowDown("example.org")
	if p.limit() != 50 || p.domainLimit("example.org") != 5 {
		t.Fatalf("after a failure: global %g, domain %g; want 50 and 5", p.limit(), p.domainLimit("example.org"))
	}
	clock.Advance(slowDownFor - time.Second)
	if p.limit() != 50 {
		t.Errorf("rate back to %g before the minute is over", p.limit())
	}
	clock.Advance(time.Second)
	if p.limit() != 100 || p.domainLimit("example.org") != 10 {
		t.Errorf("after a minute: global %g, domain %g; want 100 and 10", p.limit(), p.domainLimit("example.org"))
	}
	if p.domainLimit("other.example") != rate.Inf {
		t.Errorf("a domain without a limit has rate %g", p.domainLimit("other.example"))
	}
}

func TestPacerHalvesMeasuredRateWhenUnlimited(t *testing.T) {
	clock := clocktest.New(pacerStart)
	p := newPacer(0, nil, 4, clock)
	for range 40 { // 40 messages in the first second
		p.sent()
		clock.Advance(25 * time.Millisecond)
	}
	p.sent() // starts the next window: the first is measured at 40/s
	if got := p.slowDown("example.org"); got != 20 {
		t.Errorf("rate %g after a failure at 40 msg/s, want 20", float64(got))
	}
}

func TestPacerWaitCancelled(t *testing.T) {
	clock := clocktest.NewAuto(pacerStart)
	p := newPacer(1, nil, 1, clock)
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.wait(ctx, "example.org"); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := p.wait(ctx, "example.org"); err == nil {
		t.Fatal("wait with a cancelled context succeeded")
	}
	if err := p.wait(context.Background(), "example.org"); err != nil {
		t.Fatal(err)
	}
	// The cancelled reservation was returned: the third wait is one second
	// after the first, not two.
	if got := clock.Waits(); fmt.Sprint(got) != fmt.Sprint([]time.Duration{time.Second}) {
		t.Errorf("waits %v, want one of 1s (the cancelled wait's token given back)", got)
	}
}
