package newsletter

import (
	"context"
	"time"
)

// Clock is the engine's source of time. Tests supply a fake one so that the
// daemon loop and retries advance without sleeping.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{ now func() time.Time }

func (c systemClock) Now() time.Time                         { return c.now() }
func (c systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// sleep waits d on the clock; it returns ctx's error when ctx ends first.
func sleep(ctx context.Context, c Clock, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.After(d):
		return nil
	}
}
