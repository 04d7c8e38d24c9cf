package mail

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/heraldhq/herald/internal/clock"
)

const (
	slowDownFor   = time.Minute     // how long a temporary failure slows the sender
	slowDownEvery = time.Second     // at most one halving per this interval
	minRate       = rate.Limit(1.0) // the floor a slow-down never goes below
)

// pacer enforces the global and per-domain message rates and slows the
// whole sender down after temporary failures. It is safe for concurrent use.
type pacer struct {
	clock clock.Clock
	conns int

	mu         sync.Mutex
	global     *rate.Limiter
	base       rate.Limit // configured global rate; rate.Inf when unlimited
	domains    map[string]*rate.Limiter
	domainBase map[string]rate.Limit
	slowUntil  time.Time // zero when not slowed down
	lastCut    time.Time
	window     time.Time // start of the current one-second count window
	inWindow   int
	measured   float64 // messages per second in the last full window
}

func newPacer(global float64, domains map[string]float64, conns int, c clock.Clock) *pacer {
	p := &pacer{
		clock: clock.Or(c), conns: conns,
		base: limitOf(global), domains: map[string]*rate.Limiter{}, domainBase: map[string]rate.Limit{},
	}
	p.global = rate.NewLimiter(p.base, 1)
	for d, r := range domains {
		d = strings.ToLower(d)
		p.domainBase[d] = limitOf(r)
		p.domains[d] = rate.NewLimiter(limitOf(r), 1)
	}
	return p
}

func limitOf(r float64) rate.Limit {
	if r <= 0 {
		return rate.Inf
	}
	return rate.Limit(r)
}

// wait blocks until a message to domain may leave under every limit.
func (p *pacer) wait(ctx context.Context, domain string) error {
	now := p.clock.Now()
	p.mu.Lock()
	p.restore(now)
	reservations := []*rate.Reservation{p.global.ReserveN(now, 1)}
	if l := p.domains[strings.ToLower(domain)]; l != nil {
		reservations = append(reservations, l.ReserveN(now, 1))
	}
	p.mu.Unlock()
	var delay time.Duration
	for _, r := range reservations {
		delay = max(delay, r.DelayFrom(now))
	}
	if err := clock.Sleep(ctx, p.clock, delay); err != nil {
		for _, r := range reservations {
			r.CancelAt(now)
		}
		return err
	}
	return nil
}

// restore ends a slow-down whose time is over; p.mu is held.
func (p *pacer) restore(now time.Time) {
	if p.slowUntil.IsZero() || now.Before(p.slowUntil) {
		return
	}
	p.slowUntil = time.Time{}
	p.global.SetLimitAt(now, p.base)
	for d, l := range p.domains {
		l.SetLimitAt(now, p.domainBase[d])
	}
}

// sent counts a delivered message, to measure the rate when unlimited.
func (p *pacer) sent() {
	now := p.clock.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if elapsed := now.Sub(p.window); elapsed >= time.Second {
		if elapsed < 2*time.Second {
			p.measured = float64(p.inWindow) / elapsed.Seconds()
		}
		p.window, p.inWindow = now, 0
	}
	p.inWindow++
}

// slowDown halves the global rate (and domain's, when it has a limit) for
// slowDownFor, never below minRate, at most once per slowDownEvery.
// It returns the global rate in force afterwards.
func (p *pacer) slowDown(domain string) rate.Limit {
	now := p.clock.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.slowUntil = now.Add(slowDownFor)
	if !p.lastCut.IsZero() && now.Sub(p.lastCut) < slowDownEvery {
		return p.global.Limit()
	}
	p.lastCut = now
	p.global.SetLimitAt(now, p.halve(p.global.Limit(), p.base))
	if l := p.domains[strings.ToLower(domain)]; l != nil {
		l.SetLimitAt(now, p.halve(l.Limit(), p.domainBase[strings.ToLower(domain)]))
	}
	return p.global.Limit()
}

// fallback is the rate to halve when the limit is infinite: the measured
// rate, else one message per second per connection.
func (p *pacer) fallback() rate.Limit {
	if p.measured > 0 {
		return rate.Limit(p.measured)
	}
	return rate.Limit(max(p.conns, 1))
}

// halve returns half of cur, but not below minRate or base when lower;
// p.mu is held.
func (p *pacer) halve(cur, base rate.Limit) rate.Limit {
	if cur == rate.Inf {
		cur = p.fallback()
	}
	floor := min(minRate, base)
	return rate.Limit(math.Max(float64(cur/2), float64(floor)))
}

// limit returns the global rate in force (rate.Inf when unlimited).
func (p *pacer) limit() rate.Limit {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.restore(p.clock.Now())
	return p.global.Limit()
}

// domainLimit returns domain's rate in force (rate.Inf when it has none).
func (p *pacer) domainLimit(domain string) rate.Limit {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.restore(p.clock.Now())
	if l := p.domains[strings.ToLower(domain)]; l != nil {
		return l.Limit()
	}
	return rate.Inf
}
