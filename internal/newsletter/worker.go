package newsletter

import (
	"context"
	"errors"
	"fmt"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// worker is one sender of an issue: it holds its own claims (owner) and
// the delivery it handed off last, whose sent mark is committed with the
// sending mark of its next one (see handoffs).
type worker struct {
	n     *Newsletter
	c     *content
	owner string
	marks *handoffs
	sent  *store.Handoff // handed off and accepted, not yet recorded; nil when none
}

// run claims batches of deliveries and sends them until none is left.
// Whatever the outcome, the last accepted delivery is recorded as sent.
func (w *worker) run(ctx context.Context, rep *reporter) (err error) {
	defer func() { err = errors.Join(err, w.flush(context.WithoutCancel(ctx))) }()
	n, st := w.n, w.n.opts.Store
	for {
		ds, err := st.ClaimDeliveries(ctx, w.c.issueID, w.owner, n.opts.Batch, n.opts.Lease, n.now())
		if err != nil {
			return fmt.Errorf("claim deliveries of issue %d: %w", w.c.issueID, err)
		}
		if len(ds) == 0 {
			if err := w.flush(ctx); err != nil {
				return err
			}
			done, err := n.waitForRest(ctx, w.c.issueID)
			if done {
				rep.report(ctx, w.c.issueID, true)
			}
			if done || err != nil {
				return err
			}
			continue
		}
		subs, err := w.subscribers(ctx, ds)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if err := w.deliver(ctx, d, subs); err != nil {
				return err
			}
		}
		rep.report(ctx, w.c.issueID, false)
	}
}

// flush records the last accepted delivery as sent.
func (w *worker) flush(ctx context.Context) error {
	if w.sent == nil {
		return nil
	}
	if _, err := w.marks.mark(ctx, w.sent, nil); err != nil {
		return fmt.Errorf("mark delivery %d/%d sent: %w", w.sent.IssueID, w.sent.SubscriberID, err)
	}
	w.sent = nil
	return nil
}

// subscribers loads the recipients of a claimed batch in one query.
func (w *worker) subscribers(ctx context.Context, ds []store.Delivery) (map[int64]subscriber.Subscriber, error) {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.SubscriberID
	}
	subs, err := w.n.opts.Store.SubscribersByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load recipients of issue %d: %w", w.c.issueID, err)
	}
	return subs, nil
}

// deliver sends one claimed delivery to its subscriber (from subs, the
// batch's recipients) and records the outcome. Only a store or template
// error stops the worker; a send failure is recorded. Whether the
// subscriber is still active is checked again when marking it sending.
func (w *worker) deliver(ctx context.Context, d store.Delivery, subs map[int64]subscriber.Subscriber) error {
	n := w.n
	sub, ok := subs[d.SubscriberID]
	if !ok {
		return n.skip(ctx, d, "subscriber deleted")
	}
	posts := w.c.forTopics(sub.Topics)
	if len(posts) == 0 {
		return n.skip(ctx, d, "no post matches the subscriber's topics")
	}
	msg, err := n.message(w.c, sub, posts, d.MessageID)
	if err != nil {
		return fmt.Errorf("issue %d to subscriber %d: %w", d.IssueID, d.SubscriberID, err)
	}
	if ok, err := w.markSending(ctx, d); !ok || err != nil {
		return err
	}
	sendErr := n.opts.Transport.Send(ctx, msg)
	if sendErr != nil && ctx.Err() != nil {
		return ctx.Err() // left "sending": uncertain once released
	}
	if sendErr == nil {
		w.sent = &store.Handoff{IssueID: d.IssueID, SubscriberID: d.SubscriberID}
		n.metrics.sent.Inc()
		return nil
	}
	return n.record(context.WithoutCancel(ctx), d, sendErr)
}

// markSending commits d as sending together with the last accepted
// delivery as sent; ok is false when d must not be sent.
func (w *worker) markSending(ctx context.Context, d store.Delivery) (ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	h := &store.Handoff{IssueID: d.IssueID, SubscriberID: d.SubscriberID, Owner: w.owner}
	result, err := w.marks.mark(context.WithoutCancel(ctx), w.sent, h)
	if err != nil {
		return false, fmt.Errorf("mark delivery %d/%d sending: %w", d.IssueID, d.SubscriberID, err)
	}
	w.sent = nil
	switch {
	case errors.Is(result, store.ErrNotActive):
		w.n.metrics.skipped.Inc()
		return false, nil
	case errors.Is(result, store.ErrNotClaimed): // our lease ended and someone else holds it
		w.n.log.Debug("Delivery taken over", "issue_id", d.IssueID, "subscriber_id", d.SubscriberID)
		return false, nil
	case result != nil:
		return false, fmt.Errorf("mark delivery %d/%d sending: %w", d.IssueID, d.SubscriberID, result)
	}
	return true, nil
}
