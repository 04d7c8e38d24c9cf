package newsletter

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

// Recover prepares the ledger after a start. With singleInstance (SQLite,
// whose data-folder lock proves nobody else sends) every claim is released
// at once: claimed deliveries become pending again and those that were
// being handed to SMTP become uncertain. With several instances (PostgreSQL)
// only the claims of this Owner's workers ("<Owner>#<i>") are released;
// the others' expire with their lease. Uncertain deliveries are held, logged and counted.
func (n *Newsletter) Recover(ctx context.Context, singleInstance bool) error {
	var err error
	if singleInstance {
		err = n.opts.Store.RecoverAll(ctx, n.now())
	} else {
		err = n.releaseOwn(ctx)
	}
	if err != nil {
		return fmt.Errorf("recover deliveries: %w", err)
	}
	return n.countUncertain(ctx, true)
}

// countUncertain sets the uncertain gauge to the uncertain deliveries of
// every issue and, with logIt, logs each issue's.
func (n *Newsletter) countUncertain(ctx context.Context, logIt bool) error {
	per, err := n.opts.Store.UncertainCounts(ctx)
	if err != nil {
		return fmt.Errorf("count uncertain deliveries: %w", err)
	}
	total := 0
	for _, id := range slices.Sorted(maps.Keys(per)) {
		total += per[id]
		if logIt {
			n.log.Warn("Uncertain deliveries held: the relay may have them; see herald issues show, resend with herald send -resend-uncertain",
				"issue_id", id, "uncertain", per[id])
		}
	}
	n.metrics.uncertain.Set(float64(total))
	return nil
}

// unfinishedLimit is how many recent issues are searched for unfinished ones.
const unfinishedLimit = 50

// unfinished returns the recent issues still sending, oldest first.
func (n *Newsletter) unfinished(ctx context.Context) ([]store.Issue, error) {
	recent, err := n.opts.Store.ListIssues(ctx, unfinishedLimit)
	if err != nil {
		return nil, fmt.Errorf("list issues: %w", err)
	}
	var out []store.Issue
	for i := len(recent) - 1; i >= 0; i-- {
		if recent[i].Status == store.IssueSending {
			out = append(out, recent[i])
		}
	}
	return out, nil
}

// Resume continues every unfinished issue (status sending) from the
// ledger: nobody recorded as sent gets it again.
func (n *Newsletter) Resume(ctx context.Context) error {
	issues, err := n.unfinished(ctx)
	if err != nil {
		return err
	}
	for _, is := range issues {
		n.log.Info("Resuming issue", "issue_id", is.ID, "key", is.Key)
		if err := n.deliverIssue(ctx, is, observers{}); err != nil {
			return err
		}
	}
	return nil
}

// ResendUncertain puts the uncertain deliveries of issue issueID (of
// every issue when 0, oldest first) back in the queue and sends them;
// their Message-IDs are unchanged, so a mail client shows a copy that did
// arrive only once. It returns how many were re-queued.
func (n *Newsletter) ResendUncertain(ctx context.Context, issueID int64) (int, error) {
	ids := []int64{issueID}
	if issueID == 0 {
		per, err := n.opts.Store.UncertainCounts(ctx)
		if err != nil {
			return 0, fmt.Errorf("count uncertain deliveries: %w", err)
		}
		ids = slices.Sorted(maps.Keys(per))
	}
	total := 0
	for _, id := range ids {
		k, err := n.resendUncertain(ctx, id)
		total += k
		if err != nil {
			return total, err
		}
	}
	return total, n.countUncertain(ctx, false)
}

func (n *Newsletter) resendUncertain(ctx context.Context, issueID int64) (int, error) {
	is, err := n.opts.Store.Issue(ctx, issueID)
	if err != nil {
		return 0, fmt.Errorf("load issue %d: %w", issueID, err)
	}
	k, err := n.opts.Store.ResendUncertain(ctx, issueID, n.now())
	if err != nil || k == 0 {
		return k, err
	}
	if err := n.opts.Store.SetIssueStatus(ctx, issueID, store.IssueSending, "", n.now()); err != nil {
		return 0, fmt.Errorf("reopen issue %d: %w", issueID, err)
	}
	is.Status = store.IssueSending
	return k, n.deliverForeground(ctx, is, observers{})
}

// Run is the daemon loop: it resumes unfinished issues, catches up the
// missed runs, then sleeps on the Clock until each next run and handles
// it. SetSchedule wakes it to follow the new schedule. It returns nil when
// ctx ends (releasing this instance's claims), or the first store error.
func (n *Newsletter) Run(ctx context.Context) error {
	defer n.release()
	if err := n.Resume(ctx); err != nil {
		return stopped(ctx, err)
	}
	for {
		if err := n.CatchUp(ctx); err != nil {
			return stopped(ctx, err)
		}
		next, ok := n.schedule().Next(n.now())
		if !ok {
			n.log.Warn("The schedule has no next run")
		} else {
			n.metrics.nextRun.Set(float64(next.At.Unix()))
		}
		if err := n.waitFor(ctx, next.At, ok); err != nil {
			return stopped(ctx, err)
		}
	}
}

// waitFor sleeps until at (forever when !ok), a schedule change or ctx's
// end; the caller then catches up whatever is due.
func (n *Newsletter) waitFor(ctx context.Context, at time.Time, ok bool) error {
	var timer <-chan time.Time
	if ok {
		timer = n.opts.Clock.After(at.Sub(n.now()))
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-n.reload:
		n.log.Info("Newsletter schedule reloaded")
	case <-timer:
	}
	return nil
}

func (n *Newsletter) release() {
	ctx := context.Background()
	if err := n.releaseOwn(ctx); err != nil {
		n.log.Error("Release deliveries", "owner", n.opts.Owner, "err", err)
		return
	}
	n.logRemaining(ctx)
}

// logRemaining says, when the loop stops, what the unfinished issues
// still hold: the next start (or herald send) sends it.
func (n *Newsletter) logRemaining(ctx context.Context) {
	issues, err := n.unfinished(ctx)
	if err != nil {
		return
	}
	for _, is := range issues {
		counts, err := n.opts.Store.DeliveryCounts(ctx, is.ID)
		if err != nil {
			return
		}
		if open := openCount(counts); open > 0 {
			n.log.Info("Newsletter stopped with deliveries pending; the next start or herald send sends them",
				"issue_id", is.ID, "pending", open)
		}
	}
}

// releaseOwn ends the claims of this instance's workers.
func (n *Newsletter) releaseOwn(ctx context.Context) error {
	for i := range n.opts.Workers {
		if err := n.opts.Store.ReleaseOwner(ctx, n.workerOwner(i), n.now()); err != nil {
			return err
		}
	}
	return nil
}

// stopped turns the error of a loop ended by ctx into nil.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil
	}
	return err
}
