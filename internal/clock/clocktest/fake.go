// Package clocktest has fake clock.Clocks for tests: Fake moves only when
// the test moves it; Auto moves by itself whenever someone waits on it.
package clocktest

import (
	"sync"
	"time"
)

// Fake is a clock.Clock that moves only when told to. It is safe for
// concurrent use.
type Fake struct {
	// Waiting, when set before use, receives the deadline of every
	// After, so that a test knows its subject went to sleep. It must
	// have room: After blocks until it is received.
	Waiting chan time.Time

	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

// New returns a Fake clock reading now.
func New(now time.Time) *Fake { return &Fake{now: now} }

// Now returns the clock's time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives once the clock has been moved d
// forward, at once when d <= 0.
func (c *Fake) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	at := c.now.Add(d)
	if d <= 0 {
		ch <- c.now
	} else {
		c.waiters = append(c.waiters, fakeWaiter{at: at, ch: ch})
	}
	if c.Waiting != nil {
		c.Waiting <- at
	}
	return ch
}

// Advance moves the clock d forward and fires every waiter that is due.
func (c *Fake) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Set moves the clock to t and fires every waiter that is due.
func (c *Fake) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.now
	}
	c.waiters = kept
}

// Auto is a clock.Clock whose After returns at once, moving the time
// forward by the wait: retries, polls and rate limits happen without
// sleeping. It records every wait. It is safe for concurrent use.
type Auto struct {
	// Step, when set before use, moves the clock forward on every Now, as
	// time passes between two steps of real work.
	Step time.Duration

	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

// NewAuto returns an Auto clock reading now.
func NewAuto(now time.Time) *Auto { return &Auto{now: now} }

// Now returns the clock's time, first moving it Step forward.
func (c *Auto) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.Step)
	return c.now
}

// Set moves the clock to t.
func (c *Auto) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock d forward.
func (c *Auto) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// After moves the clock d forward (when d > 0) and returns a channel that
// has the new time already.
func (c *Auto) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(max(d, 0))
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// Waits returns every wait passed to After so far, in order.
func (c *Auto) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// Stopped is a clock.Clock whose Now is always the same instant while its
// After waits on real timers: for tests of several processes or real
// servers that must agree on "now" but still need waits to end.
type Stopped struct{ At time.Time }

// Now returns At.
func (c Stopped) Now() time.Time { return c.At }

// After is time.After.
func (Stopped) After(d time.Duration) <-chan time.Time { return time.After(d) }
