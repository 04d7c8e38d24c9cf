package newsletter

import (
	"context"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/store"
)

// Reasons recorded on skipped issues (besides the vacation's own).
const (
	reasonNothingNew = "nothing new since last issue"
	reasonMissed     = "missed while herald was down"
)

// runKey is the unique Issue key of a scheduled time.
func runKey(at time.Time) string { return at.UTC().Format(time.RFC3339) }

// Tick handles the scheduled run r: it records exactly one issue for it
// (whatever the number of engines sharing the store) and, when the issue
// sends, delivers it before returning. A run a vacation skips, or with no
// new post, is recorded as skipped. The returned issue is the run's own.
func (n *Newsletter) Tick(ctx context.Context, r schedule.Run) (store.Issue, error) {
	is, err := n.openIssue(ctx, r, "", false)
	if err != nil || is.Status != store.IssueSending {
		return is, err
	}
	return is, n.deliverIssue(ctx, is, observers{})
}

// openIssue records the issue of run r. A non-empty skip records it
// skipped with that reason; carry keeps the window's start for the next
// issue (the skipped run's posts are sent later). A run a vacation skips
// carries with after_vacation "catch-up"; with "skip" its window runs to
// the vacation's end, so posts published during it are never mailed.
func (n *Newsletter) openIssue(ctx context.Context, r schedule.Run, skip string, carry bool) (store.Issue, error) {
	since, err := n.since(ctx, true)
	if err != nil {
		return store.Issue{}, err
	}
	is := store.Issue{Key: runKey(r.At), ScheduledAt: r.At, Since: since, Until: later(since, r.At)}
	if skip == "" && r.Skip {
		skip, carry = r.Reason, n.opts.AfterVacation == CatchUp
		if !carry { // "skip": whatever is published until the vacation ends is never mailed
			is.Until = later(is.Until, r.Vacation.Until)
		}
	}
	if skip == "" {
		posts, err := n.window(ctx, since, r.At, true)
		if err != nil {
			return store.Issue{}, err
		}
		for _, p := range posts {
			is.PostIDs = append(is.PostIDs, p.ID)
		}
		if len(is.PostIDs) == 0 {
			skip = reasonNothingNew
		}
	}
	is.Status = store.IssueSending
	if skip != "" {
		is.Status, is.Reason = store.IssueSkipped, skip
	}
	if carry {
		is.Until = since
	}
	return n.createIssue(ctx, is)
}

func (n *Newsletter) createIssue(ctx context.Context, is store.Issue) (store.Issue, error) {
	created, err := n.opts.Store.CreateIssue(ctx, &is, n.now())
	if err != nil {
		return store.Issue{}, fmt.Errorf("create issue %s: %w", is.Key, err)
	}
	if !created {
		return is, nil
	}
	switch {
	case is.Reason == reasonNothingNew:
		n.log.Info("Nothing new since last issue", "run", is.ScheduledAt, "since", is.Since)
	case is.Status == store.IssueSkipped:
		n.log.Info("Issue skipped", "run", is.ScheduledAt, "reason", is.Reason)
	default:
		n.log.Info("Issue opened", "issue_id", is.ID, "run", is.ScheduledAt, "posts", len(is.PostIDs))
	}
	return is, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// CatchUp handles the runs missed while herald was down, between the
// latest recorded issue (or the baseline) and now: the latest one is sent
// when it is at most MaxLate late, the others are recorded skipped. It
// records the baseline on first start, when no run can have been missed.
func (n *Newsletter) CatchUp(ctx context.Context) error {
	missed, total, err := n.missedRuns(ctx)
	if err != nil || len(missed) == 0 {
		return err
	}
	if total > len(missed) {
		n.log.Warn("Many runs missed; recording the latest only", "missed", total, "recorded", len(missed))
	}
	for _, r := range missed[:len(missed)-1] {
		carry := !(r.Skip && n.opts.AfterVacation == SkipPending)
		if _, err := n.openIssue(ctx, r, cmpOr(r.Reason, reasonMissed), carry); err != nil {
			return err
		}
	}
	latest := missed[len(missed)-1]
	if late := n.now().Sub(latest.At); late > n.opts.MaxLate && !latest.Skip {
		reason := fmt.Sprintf("too late: %s after its time, max_late is %s", late.Round(time.Second), n.opts.MaxLate)
		_, err := n.openIssue(ctx, latest, reason, false)
		return err
	}
	_, err = n.Tick(ctx, latest)
	return err
}

// maxMissed bounds the skipped issues recorded after a long downtime.
const maxMissed = 100

// missedRuns returns the (at most maxMissed latest) runs after the last
// recorded issue or the baseline and not after now, with their count.
func (n *Newsletter) missedRuns(ctx context.Context) ([]schedule.Run, int, error) {
	from, err := n.baseline(ctx, true)
	if err != nil {
		return nil, 0, err
	}
	last, err := n.opts.Store.LastIssue(ctx)
	if err == nil && last.ScheduledAt.After(from) {
		from = last.ScheduledAt
	} else if err != nil && !isNotFound(err) {
		return nil, 0, fmt.Errorf("read last issue: %w", err)
	}
	now, s := n.now(), n.schedule()
	var runs []schedule.Run
	total := 0
	for r, ok := s.Next(from); ok && !r.At.After(now); r, ok = s.Next(r.At) {
		total++
		runs = append(runs, r)
		if len(runs) > maxMissed {
			runs = runs[1:]
		}
	}
	return runs, total, nil
}
