package newsletter

import (
	"context"
	"errors"
	"fmt"

	"github.com/heraldhq/herald/internal/mail"
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
	rep   *reporter
	sent  *store.Handoff // handed off and accepted, not yet recorded; nil when none
}

// run claims batches of deliveries and sends them until none is left.
// Whatever the outcome, the last accepted delivery is recorded as sent.
func (w *worker) run(ctx context.Context) (err error) {
	rep := w.rep
	defer func() { err = errors.Join(err, w.flush(context.WithoutCancel(ctx))) }()
	for {
		if err := w.sendClaimed(ctx, rep); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		done, err := w.n.waitForRest(ctx, w.c.issueID, rep)
		if done {
			rep.report(ctx, w.c.issueID, true)
		}
		if done || err != nil {
			return err
		}
	}
}

// sendClaimed claims batches of deliveries and sends them until a claim
// comes back empty. Another goroutine claims the batches, loads their
// recipients and renders their messages a few ahead of the one being sent,
// so that neither the database nor the templates hold the connection up.
func (w *worker) sendClaimed(ctx context.Context, rep *reporter) error {
	ready := make(chan prepared, renderAhead)
	stop, stopped := make(chan struct{}), make(chan struct{})
	defer func() {
		close(stop)
		<-stopped // no claim may be taken after the worker is gone
	}()
	go func() {
		defer close(stopped)
		defer close(ready)
		w.produce(ctx, ready, stop)
	}()
	for p := range ready {
		if p.batchEnd {
			rep.report(ctx, w.c.issueID, false)
			continue
		}
		if err := w.deliver(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// produce claims batches and puts their prepared deliveries, each batch
// followed by its end, on ready until a claim is empty, an error (put on
// ready too) or stop.
func (w *worker) produce(ctx context.Context, ready chan<- prepared, stop <-chan struct{}) {
	put := func(p prepared) bool {
		select {
		case ready <- p:
			return true
		case <-stop:
			return false
		}
	}
	n := w.n
	for {
		ds, err := n.opts.Store.ClaimDeliveries(ctx, w.c.issueID, w.owner, n.opts.Batch, n.opts.Lease, n.now())
		if err != nil {
			put(prepared{err: fmt.Errorf("claim deliveries of issue %d: %w", w.c.issueID, err)})
			return
		}
		if len(ds) == 0 {
			return
		}
		subs, err := w.subscribers(ctx, ds)
		if err != nil {
			put(prepared{err: err})
			return
		}
		for _, d := range ds {
			if !put(w.prepare(d, subs)) {
				return
			}
		}
		if !put(prepared{batchEnd: true}) {
			return
		}
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

// prepared is one claimed delivery made ready to send: its message, or
// why it is skipped, or the template error that stops the worker.
type prepared struct {
	d        store.Delivery
	msg      *mail.Message
	skip     string
	err      error
	batchEnd bool // no delivery: the claimed batch before it is all prepared
}

// renderAhead is how many messages a worker renders ahead of the one it
// sends.
const renderAhead = 4

// prepare renders and builds the message of d to its subscriber (from
// subs). It has no side effect: whether the subscriber is still active is
// checked when marking the delivery sending.
func (w *worker) prepare(d store.Delivery, subs map[int64]subscriber.Subscriber) prepared {
	sub, ok := subs[d.SubscriberID]
	if !ok {
		return prepared{d: d, skip: "subscriber deleted"}
	}
	posts := w.c.forTopics(sub.Topics)
	if len(posts) == 0 {
		return prepared{d: d, skip: "no post matches the subscriber's topics"}
	}
	msg, err := w.n.message(w.c, sub, posts, d.MessageID)
	if err != nil {
		return prepared{d: d, err: fmt.Errorf("issue %d to subscriber %d: %w", d.IssueID, d.SubscriberID, err)}
	}
	w.build(msg)
	return prepared{d: d, msg: msg}
}

// build fills msg.Raw when the transport can build ahead of Send. A
// message that cannot be built is left for Send, which refuses it again
// and so has it recorded as failed like any refused message.
func (w *worker) build(msg *mail.Message) {
	if b, ok := w.n.opts.Transport.(mail.Builder); ok {
		if raw, err := b.Build(msg); err == nil {
			msg.Raw = raw
		}
	}
}

// deliver sends one prepared delivery and records the outcome. Only a
// store or template error stops the worker; a send failure is recorded.
func (w *worker) deliver(ctx context.Context, p prepared) error {
	n, d, msg := w.n, p.d, p.msg
	switch {
	case p.err != nil:
		return p.err
	case p.skip != "":
		return n.skip(ctx, d, p.skip)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The sending mark (with the last delivery's sent mark) is queued now
	// and committed, with the other workers' marks, at the latest when the
	// transport is about to hand the message off (see handoffs).
	mark := w.marks.start(context.WithoutCancel(ctx), w.sent,
		&store.Handoff{IssueID: d.IssueID, SubscriberID: d.SubscriberID, Owner: w.owner})
	msg.Handoff = func() error {
		if result, err := mark.wait(); err != nil || result != nil {
			return errNotMarked
		}
		return nil
	}
	// A transaction once begun runs to its end even when ctx ends (the
	// transport bounds it by its timeout), so that a stop leaves nothing
	// in doubt.
	sendErr := n.opts.Transport.Send(ctx, msg)
	if ok, err := w.settle(d, mark); !ok || err != nil {
		return err
	}
	if sendErr == nil {
		w.sent = &store.Handoff{IssueID: d.IssueID, SubscriberID: d.SubscriberID}
		n.metrics.sent.Inc()
		w.rep.progressed()
		return nil
	}
	if handled, stop := n.outcome(ctx, d, sendErr); handled {
		return stop
	}
	return n.record(context.WithoutCancel(ctx), d, sendErr)
}

// errNotMarked stops a hand-off whose sending mark failed or was refused;
// settle tells why.
var errNotMarked = errors.New("delivery not marked sending")

// settle waits for the sending mark of d, which also recorded the last
// accepted delivery as sent; ok is false when d must not be (and was not)
// sent.
func (w *worker) settle(d store.Delivery, mark *pendingMark) (ok bool, err error) {
	result, err := mark.wait()
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
