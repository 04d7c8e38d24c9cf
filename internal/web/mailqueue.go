package web

import (
	"context"
	"errors"
	"time"

	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// Kinds of queued email.
const (
	mailConfirm = "confirm"
	mailWelcome = "welcome"
)

// The queue's pace. A claimed email not settled within queueLease (the
// sender died) is claimed again; an email still failing after
// queueMaxAttempts attempts (about 8 hours of retries) is given up.
const (
	queueBatch       = 20
	queueLease       = 5 * time.Minute
	queueMaxAttempts = 12
	// DefaultQueuePoll is how often RunMailQueue looks for due retries
	// and for emails another instance recorded.
	DefaultQueuePoll = 30 * time.Second
)

// retryDelay is the wait after the attempt-th failure: 1, 2, 4 ... minutes,
// at most an hour.
func retryDelay(attempt int) time.Duration {
	if attempt > 7 {
		return time.Hour
	}
	return min(time.Minute<<max(attempt-1, 0), time.Hour)
}

// enqueue records that subscriber id is owed an email of kind and wakes
// the sender. The request that calls it never talks to the relay, so its
// answer takes the same time whatever the relay does.
func (s *Server) enqueue(ctx context.Context, id int64, kind string, now time.Time) error {
	if err := s.store.EnqueueMail(ctx, id, kind, now); err != nil {
		return err
	}
	select {
	case s.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
	return nil
}

// SendQueued sends the confirmation and welcome emails due now and
// returns how many it took from the queue. A failure is retried later
// (see retryDelay); one the recipient's server refuses for good, or one
// failing queueMaxAttempts times, is given up and logged.
func (s *Server) SendQueued(ctx context.Context) (int, error) {
	now := s.now()
	mails, err := s.store.ClaimMails(ctx, queueBatch, queueLease, now)
	for _, m := range mails {
		s.sendQueued(ctx, m, now)
	}
	return len(mails), err
}

func (s *Server) sendQueued(ctx context.Context, m store.QueuedMail, now time.Time) {
	sub, err := s.store.Subscriber(ctx, m.SubscriberID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.settle(ctx, m) // removed meanwhile (the queue row went with them)
		return
	case err == nil && !stillOwed(m.Kind, sub):
		s.settle(ctx, m) // confirmed, or left, before it went out
		return
	case err == nil:
		err = s.sendKind(ctx, m.Kind, sub, now)
	}
	if err == nil {
		s.settle(ctx, m)
		return
	}
	var se *heraldmail.SendError
	refused := errors.As(err, &se) && !se.Temporary && !se.RelayFault()
	if refused || m.Attempts >= queueMaxAttempts {
		s.log.Error("Queued email given up", "subscriber_id", m.SubscriberID, "kind", m.Kind, "attempts", m.Attempts, "err", err)
		s.metrics.emails.WithLabelValues(m.Kind, "given_up").Inc()
		s.settle(ctx, m)
		return
	}
	retryAt := now.Add(retryDelay(m.Attempts))
	s.log.Warn("Queued email failed; will retry", "subscriber_id", m.SubscriberID, "kind", m.Kind,
		"attempt", m.Attempts, "retry_at", retryAt, "err", err)
	if err := s.store.MailRetry(ctx, m.ID, heraldmail.Scrub(err.Error()), retryAt); err != nil {
		s.log.Error("Record queued email retry", "subscriber_id", m.SubscriberID, "err", err)
	}
}

// stillOwed reports whether sub still wants an email of kind: a
// confirmation while pending, a welcome while active.
func stillOwed(kind string, sub subscriber.Subscriber) bool {
	switch kind {
	case mailConfirm:
		return sub.Status == subscriber.Pending
	case mailWelcome:
		return sub.Status == subscriber.Active
	}
	return false
}

func (s *Server) sendKind(ctx context.Context, kind string, sub subscriber.Subscriber, now time.Time) error {
	if kind == mailWelcome {
		return s.sendWelcome(ctx, sub, now)
	}
	return s.sendConfirm(ctx, sub, now)
}

// settle removes m from the queue.
func (s *Server) settle(ctx context.Context, m store.QueuedMail) {
	if err := s.store.MailDone(ctx, m.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Error("Remove queued email", "subscriber_id", m.SubscriberID, "err", err)
	}
}

// RunMailQueue sends queued emails until ctx is done: at once when a
// request of this process records one, and every poll (DefaultQueuePoll
// when zero) for retries and for emails other instances recorded. The
// daemon runs it; an email being sent when ctx ends is claimed again
// after its lease.
func (s *Server) RunMailQueue(ctx context.Context, poll time.Duration) {
	if poll <= 0 {
		poll = DefaultQueuePoll
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		for ctx.Err() == nil {
			n, err := s.SendQueued(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Error("Mail queue unavailable", "err", err)
			}
			if n < queueBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
		}
	}
}
