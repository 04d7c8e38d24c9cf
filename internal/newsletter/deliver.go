package newsletter

import (
	"github.com/heraldhq/herald/internal/clock"

	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// progress reports sent of total deliveries final; nil reports nothing.
type progress func(done, total int)

// observers are what a foreground send (herald send) is told while it
// delivers an issue; the zero value, the daemon's, tells nothing beyond
// the log.
type observers struct {
	progress progress
	held     func(Held) // see SendOptions.Held
}

// deliverIssue sends issue is to its recipients. In per-post mode a run's
// issue is split into one issue per post first. It returns when every
// delivery is final (or held uncertain), or when ctx ends.
func (n *Newsletter) deliverIssue(ctx context.Context, is store.Issue, obs observers) error {
	if n.opts.Mode == PerPost && !isPostIssue(is.Key) && len(is.PostIDs) > 0 {
		return n.splitPerPost(ctx, is, obs)
	}
	install, err := n.installID(ctx, true)
	if err != nil {
		return fmt.Errorf("enqueue deliveries of issue %d: %w", is.ID, err)
	}
	msgID := func(id int64) string { return n.messageID(install, is.ID, is.ScheduledAt, id) }
	if _, err := n.opts.Store.EnqueueDeliveries(ctx, is.ID, msgID, n.now()); err != nil {
		return fmt.Errorf("enqueue deliveries of issue %d: %w", is.ID, err)
	}
	c := &content{issueID: is.ID, date: is.ScheduledAt, posts: n.postsByID(is.PostIDs)}
	c.vacation, c.next = n.vacationNotice(is.ScheduledAt)
	if err := n.runWorkers(ctx, c, obs); err != nil {
		return err
	}
	return n.finishIssue(ctx, is)
}

func isPostIssue(key string) bool { return strings.Contains(key, "/") }

// splitPerPost creates one issue per post of the run's issue (oldest post
// first), marks the run's issue sent and delivers each.
func (n *Newsletter) splitPerPost(ctx context.Context, run store.Issue, obs observers) error {
	var children []store.Issue
	for i := len(run.PostIDs) - 1; i >= 0; i-- {
		child := run
		child.ID, child.Key, child.PostIDs = 0, run.Key+"/"+run.PostIDs[i], []string{run.PostIDs[i]}
		child, err := n.createIssue(ctx, child)
		if err != nil {
			return err
		}
		children = append(children, child)
	}
	reason := fmt.Sprintf("per-post: %d issues", len(children))
	if err := n.opts.Store.SetIssueStatus(ctx, run.ID, store.IssueSent, reason, n.now()); err != nil {
		return fmt.Errorf("close run issue %d: %w", run.ID, err)
	}
	for _, child := range children {
		if child.Status != store.IssueSending {
			continue
		}
		if err := n.deliverIssue(ctx, child, obs); err != nil {
			return err
		}
	}
	return nil
}

// runWorkers runs opts.Workers senders until no delivery of the issue is
// left to send, or one of them stops: then the others stop after their
// transaction in flight, and this instance's claims go back to pending.
// A worker stopped by the relay makes the result a *RelayError.
func (n *Newsletter) runWorkers(ctx context.Context, c *content, obs observers) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopRenewing := n.keepLeases(wctx)
	var wg sync.WaitGroup
	errs := make([]error, n.opts.Workers)
	marks := newHandoffs(n.opts.Store, n.now)
	rep := &reporter{n: n, fn: obs.progress, lastProgress: n.now(), held: &heldWatch{n: n, issueID: c.issueID, tell: obs.held}}
	for i := range n.opts.Workers {
		w := &worker{n: n, c: c, owner: n.workerOwner(i), marks: marks, rep: rep}
		wg.Go(func() {
			if errs[i] = w.run(wctx); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	stopRenewing()
	err := errors.Join(errs...)
	if err == nil {
		return nil
	}
	if rerr := n.releaseOwn(context.WithoutCancel(ctx)); rerr != nil {
		err = errors.Join(err, fmt.Errorf("release claims: %w", rerr))
	}
	for _, e := range errs {
		if re := asRelayError(e); re != nil {
			return re
		}
		if errors.Is(e, ErrRetriesLater) {
			return e
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// reportEvery is how often, on the engine's clock, a send reports its
// progress while it runs: each report counts the issue's whole ledger.
const reportEvery = time.Second

// reporter calls the progress function of one issue's send for all its
// workers, one call at a time, at most once per reportEvery unless forced.
// A nil fn reports nothing.
type reporter struct {
	n    *Newsletter
	fn   progress
	held *heldWatch // the deliveries of the issue another herald holds

	mu           sync.Mutex
	last         time.Time
	lastProgress time.Time // when a message was last accepted (or the send began)
}

// progressed notes that a message was accepted.
func (r *reporter) progressed() {
	r.mu.Lock()
	r.lastProgress = r.n.now()
	r.mu.Unlock()
}

// idle returns how long no message was accepted.
func (r *reporter) idle() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n.now().Sub(r.lastProgress)
}

func (r *reporter) report(ctx context.Context, issueID int64, force bool) {
	if r.fn == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.n.now(); force || now.Sub(r.last) >= reportEvery {
		r.last = now
		r.n.report(ctx, issueID, r.fn)
	}
}

// workerOwner is the lease owner of worker i: each worker holds its own
// claims, so a claim one worker lost can never be sent by its sibling.
func (n *Newsletter) workerOwner(i int) string { return fmt.Sprintf("%s#%d", n.opts.Owner, i) }

// ErrRetriesLater stops a foreground send (Options.GiveUp) whose only
// deliveries left wait for a retry, with nothing accepted for GiveUp: the
// issue stays open, to be finished by a later send or the daemon.
var ErrRetriesLater = errors.New("deliveries wait for a later retry")

// waitForRest reports done when no delivery of the issue is pending,
// claimed or sending; else it waits a little for retries coming due or
// for other instances' claims, and then looks who holds the claims, so
// that a wait on another herald's lease is told (see heldWatch) before
// the next claim takes what that lease held. With Options.GiveUp, a send
// that accepted nothing for that long while retries wait stops with
// ErrRetriesLater.
func (n *Newsletter) waitForRest(ctx context.Context, issueID int64, rep *reporter) (bool, error) {
	counts, err := n.opts.Store.DeliveryCounts(ctx, issueID)
	if err != nil {
		return false, fmt.Errorf("count deliveries of issue %d: %w", issueID, err)
	}
	pending := counts[store.DeliveryPending]
	if pending+counts[store.DeliveryClaimed]+counts[store.DeliverySending] == 0 {
		return true, nil
	}
	if n.opts.GiveUp > 0 && pending > 0 && rep.idle() >= n.opts.GiveUp {
		return false, fmt.Errorf("issue %d: %d %w (nothing accepted for %s)", issueID, pending, ErrRetriesLater, n.opts.GiveUp)
	}
	if err := clock.Sleep(ctx, n.opts.Clock, restPoll(pending > 0, n.opts.RetryBase)); err != nil {
		return false, err
	}
	if counts[store.DeliveryClaimed]+counts[store.DeliverySending] > 0 {
		rep.held.look(ctx)
	}
	return false, nil
}

// restPoll is how long a worker with nothing to claim waits before looking
// again. Pending deliveries are retries not yet due: they come due in
// retry-base steps. Otherwise the rest is claimed by a sibling worker or
// another instance, which finishes within a message or loses its lease: a
// short poll, so that a send does not end a retry step after its last
// message.
func restPoll(retriesPending bool, retryBase time.Duration) time.Duration {
	wait := min(max(retryBase/2, time.Millisecond), 30*time.Second)
	if !retriesPending {
		wait = min(wait, 250*time.Millisecond)
	}
	return wait
}

func (n *Newsletter) report(ctx context.Context, issueID int64, report progress) {
	counts, err := n.opts.Store.DeliveryCounts(ctx, issueID)
	if err != nil {
		return
	}
	total, open := 0, 0
	for status, k := range counts {
		total += k
		if status == store.DeliveryPending || status == store.DeliveryClaimed || status == store.DeliverySending {
			open += k
		}
	}
	report(total-open, total)
}

func (n *Newsletter) skip(ctx context.Context, d store.Delivery, reason string) error {
	if err := n.opts.Store.MarkSkipped(ctx, d.IssueID, d.SubscriberID, reason, n.now()); err != nil {
		return fmt.Errorf("mark delivery %d/%d skipped: %w", d.IssueID, d.SubscriberID, err)
	}
	n.metrics.skipped.Inc()
	return nil
}

// record writes the outcome of one failed send: retry later, or failed.
// (A worker records an accepted send with its next hand-off.)
func (n *Newsletter) record(ctx context.Context, d store.Delivery, sendErr error) error {
	st, now, attempt := n.opts.Store, n.now(), d.Attempts+1
	var err error
	switch {
	case n.opts.IsTemporary(sendErr) && attempt < n.opts.MaxAttempts:
		err = st.MarkRetry(ctx, d.IssueID, d.SubscriberID, sendErr.Error(), now.Add(n.backoff(attempt)), now)
		n.metrics.retried.Inc()
	case n.opts.IsTemporary(sendErr):
		err = st.MarkFailed(ctx, d.IssueID, d.SubscriberID, "attempts exhausted: "+sendErr.Error(), 0, now)
		n.metrics.failed.Inc()
	default:
		err = st.MarkFailed(ctx, d.IssueID, d.SubscriberID, sendErr.Error(), n.opts.BounceLimit, now)
		n.metrics.failed.Inc()
	}
	n.log.Warn("Delivery failed", "issue_id", d.IssueID, "subscriber_id", d.SubscriberID, "attempt", attempt, "err", sendErr)
	if err != nil {
		return fmt.Errorf("record delivery %d/%d: %w", d.IssueID, d.SubscriberID, err)
	}
	return nil
}

// backoff is RetryBase doubled per attempt (capped at 64x), with up to
// half of it added as jitter so that retries of one batch spread out.
func (n *Newsletter) backoff(attempt int) time.Duration {
	d := n.opts.RetryBase << min(attempt-1, 6)
	return d + rand.N(d/2+1)
}

// finishIssue marks the issue sent when no delivery is left open, and
// reports the uncertain ones held back.
func (n *Newsletter) finishIssue(ctx context.Context, is store.Issue) error {
	counts, err := n.opts.Store.DeliveryCounts(ctx, is.ID)
	if err != nil {
		return fmt.Errorf("count deliveries of issue %d: %w", is.ID, err)
	}
	if counts[store.DeliveryPending]+counts[store.DeliveryClaimed]+counts[store.DeliverySending] > 0 {
		return nil
	}
	if err := n.opts.Store.SetIssueStatus(ctx, is.ID, store.IssueSent, "", n.now()); err != nil {
		return fmt.Errorf("mark issue %d sent: %w", is.ID, err)
	}
	n.metrics.lastIssue.Set(float64(is.ScheduledAt.Unix()))
	if u := counts[store.DeliveryUncertain]; u > 0 {
		n.log.Warn("Uncertain deliveries held; resend with herald send -resend-uncertain", "issue_id", is.ID, "uncertain", u)
	}
	n.log.Info("Issue sent", "issue_id", is.ID, "sent", counts[store.DeliverySent], "failed", counts[store.DeliveryFailed],
		"skipped", counts[store.DeliverySkipped], "uncertain", counts[store.DeliveryUncertain])
	return nil
}
