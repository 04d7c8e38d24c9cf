package newsletter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/clock"
	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// SendOptions shapes SendNow.
type SendOptions struct {
	// DryRunDir, when set, receives the exact .eml files that would be sent
	// to every active subscriber; the store is left untouched.
	DryRunDir string
	// To, when set, sends one test copy (one per post in per-post mode) to
	// this address and records nothing.
	To string
	// IgnoreVacation sends even when now falls in a vacation.
	IgnoreVacation bool
	// SingleInstance says the caller holds the data folder's lock (SQLite):
	// every claim left in the ledger is a dead sender's and is released
	// first. Without it only this instance's claims are; the others'
	// expire with their lease.
	SingleInstance bool
	// Resuming, when set, is called before an unfinished issue is resumed
	// with the number of its deliveries still to send.
	Resuming func(is store.Issue, open int)
	// Progress, when set, is called after each batch with the deliveries
	// done and the total.
	Progress func(done, total int)
	// Held, when set, is told when the send waits for deliveries another
	// herald holds under its lease (stopped, or still sending them), when
	// that herald renewed its lease past the time told, and when the lease
	// ended with them still held; once each per issue, from any goroutine.
	Held func(Held)
}

func (o SendOptions) observers() observers { return observers{progress: o.Progress, held: o.Held} }

// IssueResult is the ledger of one issue a send delivered (or resumed).
type IssueResult struct {
	IssueID int64
	Key     string
	PostIDs []string
	Resumed bool
	// Sent, Failed, Skipped and Uncertain count final deliveries; Open
	// counts those still pending, claimed or sending (the send stopped).
	Sent, Failed, Skipped, Uncertain, Open int
}

// SendResult sums up SendNow. Issues lists the issues delivered, resumed
// ones first, oldest first, then the new one (each post's issue in
// per-post mode); Sent, Failed, Skipped, Uncertain and Open add them up.
// For a dry run Sent counts the messages written and Skipped the
// subscribers without a matching post; for a test, the copies sent.
type SendResult struct {
	IssueID                                int64 // the new issue; 0 when none was opened
	Issues                                 []IssueResult
	Sent, Failed, Skipped, Uncertain, Open int
	// FirstSend is set when the database had no baseline: Existing posts
	// were recorded as sent (not for a dry run) and nothing was sent.
	FirstSend bool
	Existing  int
	// Vacation is the reason of the vacation in force now, when a test or
	// dry run ran inside one, or when a send only resumed issues.
	Vacation string
}

func (r *SendResult) add(ir IssueResult) {
	r.Issues = append(r.Issues, ir)
	r.Sent += ir.Sent
	r.Failed += ir.Failed
	r.Skipped += ir.Skipped
	r.Uncertain += ir.Uncertain
	r.Open += ir.Open
}

// SendNow is `herald send`. It first resumes the unfinished issues, oldest
// first, then sends one issue now with the posts published since the last
// one. On a database with no baseline it records one (not for a dry run)
// and sends nothing (FirstSend). It returns ErrNothingNew when there is
// nothing to resume and nothing new, and ErrOnVacation inside a vacation
// unless opts.IgnoreVacation (a test copy or a dry run goes ahead and
// reports the vacation). A relay fault is a *RelayError; a stop (ctx) or
// retries left for later (Options.GiveUp) come back with the result so far.
func (n *Newsletter) SendNow(ctx context.Context, opts SendOptions) (SendResult, error) {
	if opts.To != "" || opts.DryRunDir != "" {
		return n.rehearse(ctx, opts)
	}
	var res SendResult
	if err := n.Recover(ctx, opts.SingleInstance); err != nil {
		return res, err
	}
	resumed, err := n.resumeAll(ctx, opts, &res)
	if err != nil {
		return res, err
	}
	first, err := n.firstSend(ctx, true, &res)
	if err != nil || first {
		return res, err
	}
	now := n.now()
	if r := n.schedule().At(now); r.Skip && !opts.IgnoreVacation {
		if resumed {
			res.Vacation = r.Reason
			return res, nil
		}
		return res, fmt.Errorf("send now: %w (%s); use -ignore-vacation to send anyway", ErrOnVacation, r.Reason)
	}
	c, err := n.nextContent(ctx, true)
	if errors.Is(err, ErrNothingNew) && resumed {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	// The window is the one the posts were picked (and first seen) in:
	// the next issue starts where this one ends, so none is mailed twice.
	is := store.Issue{Key: "manual:" + strconv.FormatInt(c.date.UnixNano(), 10), ScheduledAt: c.date,
		Since: c.since, Until: later(c.since, c.date), Status: store.IssueSending}
	for _, p := range c.posts {
		is.PostIDs = append(is.PostIDs, p.ID)
	}
	if is, err = n.createIssue(ctx, is); err != nil {
		return res, err
	}
	res.IssueID = is.ID
	sendErr := n.deliverForeground(ctx, is, opts.observers())
	return res, errors.Join(sendErr, n.addResults(context.WithoutCancel(ctx), is, false, &res))
}

// resumeAll delivers the unfinished issues, oldest first, and reports
// whether there were any.
func (n *Newsletter) resumeAll(ctx context.Context, opts SendOptions, res *SendResult) (bool, error) {
	issues, err := n.unfinished(ctx)
	if err != nil || len(issues) == 0 {
		return false, err
	}
	for _, is := range issues {
		if opts.Resuming != nil {
			counts, err := n.opts.Store.DeliveryCounts(ctx, is.ID)
			if err != nil {
				return true, fmt.Errorf("count deliveries of issue %d: %w", is.ID, err)
			}
			opts.Resuming(is, openCount(counts))
		}
		n.log.Info("Resuming issue", "issue_id", is.ID, "key", is.Key)
		sendErr := n.deliverForeground(ctx, is, opts.observers())
		if err := errors.Join(sendErr, n.addResults(context.WithoutCancel(ctx), is, true, res)); err != nil {
			return true, err
		}
	}
	return true, nil
}

func openCount(counts map[store.DeliveryStatus]int) int {
	return counts[store.DeliveryPending] + counts[store.DeliveryClaimed] + counts[store.DeliverySending]
}

// firstSend records the baseline (with write) when the database has none,
// and reports whether it had none.
func (n *Newsletter) firstSend(ctx context.Context, write bool, res *SendResult) (bool, error) {
	_, err := n.opts.Store.Setting(ctx, baselineKey)
	switch {
	case err == nil:
		return false, nil
	case !errors.Is(err, store.ErrNotFound):
		return false, fmt.Errorf("read newsletter baseline: %w", err)
	}
	if write {
		if _, err := n.baseline(ctx, true); err != nil {
			return false, err
		}
	}
	res.FirstSend, res.Existing = true, len(n.opts.Posts())
	n.log.Info("No newsletter baseline on this database: the existing posts are never mailed", "posts", res.Existing, "baseline_recorded", write)
	return true, nil
}

// addResults adds the ledger of issue is, or of its per-post issues, to res.
func (n *Newsletter) addResults(ctx context.Context, is store.Issue, resumed bool, res *SendResult) error {
	issues := []store.Issue{is}
	if n.opts.Mode == PerPost && !isPostIssue(is.Key) && len(is.PostIDs) > 0 {
		var err error
		if issues, err = n.postIssues(ctx, is); err != nil {
			return err
		}
	}
	for _, is := range issues {
		counts, err := n.opts.Store.DeliveryCounts(ctx, is.ID)
		if err != nil {
			return fmt.Errorf("count deliveries of issue %d: %w", is.ID, err)
		}
		res.add(IssueResult{IssueID: is.ID, Key: is.Key, PostIDs: is.PostIDs, Resumed: resumed,
			Sent: counts[store.DeliverySent], Failed: counts[store.DeliveryFailed], Skipped: counts[store.DeliverySkipped],
			Uncertain: counts[store.DeliveryUncertain], Open: openCount(counts)})
	}
	return nil
}

// postIssues returns the per-post issues of a run's issue, oldest post first.
func (n *Newsletter) postIssues(ctx context.Context, run store.Issue) ([]store.Issue, error) {
	recent, err := n.opts.Store.ListIssues(ctx, unfinishedLimit+len(run.PostIDs))
	if err != nil {
		return nil, fmt.Errorf("list issues: %w", err)
	}
	var out []store.Issue
	for i := len(recent) - 1; i >= 0; i-- {
		if strings.HasPrefix(recent[i].Key, run.Key+"/") {
			out = append(out, recent[i])
		}
	}
	return out, nil
}

// deliverForeground is deliverIssue for `herald send`: with Options.GiveUp,
// a relay it cannot reach (or that answers 4xx at connect) is tried again
// with backoff until GiveUp has passed, then the *RelayError is returned;
// a relay refusing for good (AUTH, TLS, 5xx) returns at once.
func (n *Newsletter) deliverForeground(ctx context.Context, is store.Issue, obs observers) error {
	var since time.Time
	wait := time.Second
	for {
		err := n.deliverIssue(ctx, is, obs)
		re := asRelayError(err)
		if re == nil || !re.Temporary() || n.opts.GiveUp <= 0 {
			return err
		}
		if since.IsZero() {
			since = n.now()
		}
		left := n.opts.GiveUp - n.now().Sub(since)
		if left <= 0 {
			return fmt.Errorf("gave up after %s: %w", n.opts.GiveUp, err)
		}
		n.log.Warn("Mail relay unavailable; trying again", "in", min(wait, left), "err", re)
		if err := clock.Sleep(ctx, n.opts.Clock, min(wait, left)); err != nil {
			return err
		}
		wait *= 2
	}
}

// rehearse is a test copy or a dry run: it writes nothing to the store,
// works during a vacation (and says so), and in per-post mode makes one
// message per post, as the real send would.
func (n *Newsletter) rehearse(ctx context.Context, opts SendOptions) (SendResult, error) {
	var res SendResult
	if r := n.schedule().At(n.now()); r.Skip {
		res.Vacation = r.Reason
	}
	if first, err := n.firstSend(ctx, false, &res); err != nil || first {
		return res, err
	}
	c, err := n.nextContent(ctx, false)
	if err != nil {
		return res, err
	}
	parts := []*content{c}
	if n.opts.Mode == PerPost {
		parts = parts[:0]
		for i := len(c.posts) - 1; i >= 0; i-- {
			parts = append(parts, &content{date: c.date, posts: c.posts[i : i+1], vacation: c.vacation, next: c.next})
		}
	}
	if opts.To != "" {
		for _, part := range parts {
			if err := n.sendTest(ctx, part, opts.To); err != nil {
				return res, err
			}
			res.Sent++
		}
		return res, nil
	}
	return res, n.dryRun(ctx, parts, opts, &res)
}

// sendTest sends one copy to addr, as the subscriber with that address
// would get it when there is one, and records nothing.
func (n *Newsletter) sendTest(ctx context.Context, c *content, addr string) error {
	sub, err := n.subscriberByEmail(ctx, addr)
	if errors.Is(err, store.ErrNotFound) {
		sub, err = sample(addr), nil
	}
	if err != nil {
		return err
	}
	sub.Email = addr
	install, err := n.installID(ctx, false)
	if err != nil {
		return err
	}
	// A test copy is no delivery: its own Message-ID, unique to the moment
	// and, like every other herald Message-ID, to this install.
	msgID := fmt.Sprintf("herald.test.%s.%s@%s", strconv.FormatInt(n.now().UnixNano(), 36), install, domainOf(n.opts.From.Address))
	msg, err := n.message(c, sub, c.posts, msgID)
	if err != nil {
		return err
	}
	if err := n.opts.Transport.Send(ctx, msg); err != nil {
		var se *mail.SendError
		if errors.As(err, &se) && se.RelayFault() {
			return fmt.Errorf("send test to %s: %w; check %s", addr, err, se.Setting())
		}
		return fmt.Errorf("send test to %s: %w", addr, err)
	}
	return nil
}

// dryRun writes, for every active subscriber, the messages they would get
// into opts.DryRunDir: the same bytes, Message-IDs (with the ids the issues
// would get: in per-post mode the run's issue takes one, then each post's)
// and DKIM signature as a real send now. It only reads the store.
func (n *Newsletter) dryRun(ctx context.Context, parts []*content, opts SendOptions, res *SendResult) error {
	box, err := mail.NewOutbox(opts.DryRunDir, mail.OutboxClock(n.opts.Clock))
	if err != nil {
		return fmt.Errorf("dry run: %w", err)
	}
	issueID, err := n.opts.Store.NextIssueID(ctx)
	if err != nil {
		return fmt.Errorf("dry run: %w", err)
	}
	if n.opts.Mode == PerPost {
		issueID++ // the run's own issue comes first
	}
	install, err := n.installID(ctx, false)
	if err != nil {
		return fmt.Errorf("dry run: %w", err)
	}
	counts, err := n.opts.Store.CountSubscribers(ctx)
	if err != nil {
		return fmt.Errorf("count subscribers: %w", err)
	}
	total := counts[subscriber.Active] * len(parts)
	for i, c := range parts {
		c.issueID = issueID + int64(i)
		if err := n.dryRunPart(ctx, box, c, install, res, func(done int) {
			if opts.Progress != nil {
				opts.Progress(done, total)
			}
		}); err != nil {
			return err
		}
	}
	return nil
}

// dryRunPart writes the messages of one issue's content c.
func (n *Newsletter) dryRunPart(ctx context.Context, box *mail.Outbox, c *content, install string, res *SendResult, report func(int)) error {
	f := store.ListFilter{Status: subscriber.Active, Limit: 500}
	for {
		subs, err := n.opts.Store.ListSubscribers(ctx, f)
		if err != nil {
			return fmt.Errorf("list subscribers: %w", err)
		}
		if len(subs) == 0 {
			return nil
		}
		for _, sub := range subs {
			if err := n.dryRunOne(ctx, box, c, install, sub, res); err != nil {
				return err
			}
		}
		f.AfterID = subs[len(subs)-1].ID
		report(res.Sent + res.Skipped)
	}
}

func (n *Newsletter) dryRunOne(ctx context.Context, box *mail.Outbox, c *content, install string,
	sub subscriber.Subscriber, res *SendResult) error {
	posts := c.forTopics(sub.Topics)
	if len(posts) == 0 {
		res.Skipped++
		return nil
	}
	msg, err := n.message(c, sub, posts, n.messageID(install, c.issueID, c.date, sub.ID))
	if err != nil {
		return err
	}
	// Built by the real transport, the message is signed as it would be.
	if b, ok := n.opts.Transport.(mail.Builder); ok {
		if msg.Raw, err = b.Build(msg); err != nil {
			return fmt.Errorf("dry run for subscriber %d: %w", sub.ID, err)
		}
	}
	if err := box.Send(ctx, msg); err != nil {
		return fmt.Errorf("dry run for subscriber %d: %w", sub.ID, err)
	}
	res.Sent++
	return nil
}
