// Package clock is herald's one source of time. Every part that reads the
// time or waits takes a Clock, so that tests run schedules, retries, rate
// limits and future posts on a fake clock (package clocktest) without
// sleeping.
package clock

import (
	"context"
	"time"
)

// Clock tells the time and waits.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed (at once
	// when d <= 0).
	After(d time.Duration) <-chan time.Time
}

// System is the real clock. Its zero value is ready to use.
type System struct{}

// Now is time.Now.
func (System) Now() time.Time { return time.Now() }

// After is time.After.
func (System) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Or returns c, or the system clock when c is nil.
func Or(c Clock) Clock {
	if c == nil {
		return System{}
	}
	return c
}

// Sleep waits d on c. It returns ctx's error when ctx ends first or has
// ended already, and at once when d <= 0 (with ctx's error, if any).
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	if err := ctx.Err(); err != nil || d <= 0 {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.After(d):
		return nil
	}
}
