package newsletter

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

var (
	// ErrNothingNew means no post was published since the last issue.
	ErrNothingNew = errors.New("nothing new since last issue")
	// ErrNoPosts means there is no published post at all to preview.
	ErrNoPosts = errors.New("no published post")
	// ErrOnVacation means now falls in a declared vacation; SendNow needs
	// IgnoreVacation then.
	ErrOnVacation = errors.New("on vacation")
)

// sample is the reader of a preview or test message when no subscriber
// is named (or the test address is not a subscriber).
func sample(email string) subscriber.Subscriber {
	return subscriber.Subscriber{Email: cmpOr(email, "reader@example.com"), Name: "Reader", Status: subscriber.Active}
}

// Preview renders the next issue as the subscriber with address email
// would receive it (a sample reader when email is empty), with the posts
// published since the last issue; when nothing is new, the newest post
// stands in so the layout can be checked. It changes nothing.
func (n *Newsletter) Preview(ctx context.Context, email string) (subject, html, text string, err error) {
	sub := sample("")
	if email != "" {
		if sub, err = n.subscriberByEmail(ctx, email); err != nil {
			return "", "", "", err
		}
	}
	c, err := n.nextContent(ctx)
	if errors.Is(err, ErrNothingNew) {
		c, err = n.newestContent()
	}
	if err != nil {
		return "", "", "", err
	}
	posts := c.forTopics(sub.Topics)
	if len(posts) == 0 {
		posts = c.posts
	}
	install, err := n.installID(ctx, false)
	if err != nil {
		return "", "", "", err
	}
	msg, err := n.message(c, sub, posts, n.messageID(install, 0, c.date, sub.ID))
	if err != nil {
		return "", "", "", err
	}
	return msg.Subject, msg.HTML, msg.Text, nil
}

func (n *Newsletter) subscriberByEmail(ctx context.Context, email string) (subscriber.Subscriber, error) {
	key, err := subscriber.Normalize(email)
	if err != nil {
		return subscriber.Subscriber{}, err
	}
	sub, err := n.opts.Store.SubscriberByEmail(ctx, key)
	if err != nil {
		return subscriber.Subscriber{}, fmt.Errorf("find subscriber %s: %w", email, err)
	}
	return sub, nil
}

// nextContent is the issue that would go out now: the posts published
// since the last issue (or the baseline), without writing anything.
func (n *Newsletter) nextContent(ctx context.Context) (*content, error) {
	since, err := n.since(ctx, false)
	if err != nil {
		return nil, err
	}
	now := n.now()
	c := &content{date: now, posts: n.window(since, now)}
	if len(c.posts) == 0 {
		return nil, fmt.Errorf("next issue after %s: %w", since.Format("2006-01-02 15:04"), ErrNothingNew)
	}
	c.vacation, c.next = n.vacationNotice(now)
	return c, nil
}

func (n *Newsletter) newestContent() (*content, error) {
	for _, p := range n.opts.Posts() {
		if p.Published(n.now()) {
			return &content{date: n.now(), posts: []*post.Post{p}}, nil
		}
	}
	return nil, ErrNoPosts
}

// SendOptions shapes SendNow.
type SendOptions struct {
	// DryRunDir, when set, receives the exact .eml files that would be sent
	// to every active subscriber; the store is left untouched.
	DryRunDir string
	// To, when set, sends one test copy to this address and records nothing.
	To string
	// IgnoreVacation sends even when now falls in a vacation.
	IgnoreVacation bool
	// Progress, when set, is called after each batch with the deliveries
	// done and the total.
	Progress func(done, total int)
}

// SendResult sums up SendNow: the issue (zero for a dry run or a test) and
// the messages written, sent, failed, skipped and held uncertain.
type SendResult struct {
	IssueID                          int64
	Sent, Failed, Skipped, Uncertain int
}

// SendNow sends one issue now with the posts published since the last
// issue (`herald send`). It returns ErrNothingNew when there is none, and
// ErrOnVacation inside a vacation unless opts.IgnoreVacation.
func (n *Newsletter) SendNow(ctx context.Context, opts SendOptions) (SendResult, error) {
	now := n.now()
	if r := n.schedule().At(now); r.Skip && !opts.IgnoreVacation {
		return SendResult{}, fmt.Errorf("send now: %w (%s); use -ignore-vacation to send anyway", ErrOnVacation, r.Reason)
	}
	c, err := n.nextContent(ctx)
	if err != nil {
		return SendResult{}, err
	}
	switch {
	case opts.To != "":
		return n.sendTest(ctx, c, opts.To)
	case opts.DryRunDir != "":
		return n.dryRun(ctx, c, opts)
	}
	since, err := n.since(ctx, true)
	if err != nil {
		return SendResult{}, err
	}
	is := store.Issue{Key: "manual:" + strconv.FormatInt(now.UnixNano(), 10), ScheduledAt: now,
		Since: since, Until: later(since, now), Status: store.IssueSending}
	for _, p := range c.posts {
		is.PostIDs = append(is.PostIDs, p.ID)
	}
	if is, err = n.createIssue(ctx, is); err != nil {
		return SendResult{}, err
	}
	if err := n.deliverIssue(ctx, is, opts.Progress); err != nil {
		return SendResult{IssueID: is.ID}, err
	}
	return n.result(ctx, is.ID)
}

func (n *Newsletter) result(ctx context.Context, issueID int64) (SendResult, error) {
	counts, err := n.opts.Store.DeliveryCounts(ctx, issueID)
	if err != nil {
		return SendResult{IssueID: issueID}, fmt.Errorf("count deliveries of issue %d: %w", issueID, err)
	}
	return SendResult{IssueID: issueID, Sent: counts[store.DeliverySent], Failed: counts[store.DeliveryFailed],
		Skipped: counts[store.DeliverySkipped], Uncertain: counts[store.DeliveryUncertain]}, nil
}

// sendTest sends one copy to addr, as the subscriber with that address
// would get it when there is one, and records nothing.
func (n *Newsletter) sendTest(ctx context.Context, c *content, addr string) (SendResult, error) {
	sub, err := n.subscriberByEmail(ctx, addr)
	if errors.Is(err, store.ErrNotFound) {
		sub, err = sample(addr), nil
	}
	if err != nil {
		return SendResult{}, err
	}
	sub.Email = addr
	msg, err := n.message(c, sub, c.posts, fmt.Sprintf("herald.test.%d@%s", n.now().UnixNano(), domainOf(n.opts.From.Address)))
	if err != nil {
		return SendResult{}, err
	}
	if err := n.opts.Transport.Send(ctx, msg); err != nil {
		return SendResult{}, fmt.Errorf("send test to %s: %w", addr, err)
	}
	return SendResult{Sent: 1}, nil
}

// dryRun writes, for every active subscriber, the message they would get
// into opts.DryRunDir: the same bytes, Message-ID (with the id the issue
// would get) and DKIM signature as a real send now. It only reads the
// store.
func (n *Newsletter) dryRun(ctx context.Context, c *content, opts SendOptions) (SendResult, error) {
	box, err := mail.NewOutbox(opts.DryRunDir, mail.OutboxClock(n.opts.Clock))
	if err != nil {
		return SendResult{}, fmt.Errorf("dry run: %w", err)
	}
	issueID, err := n.opts.Store.NextIssueID(ctx)
	if err != nil {
		return SendResult{}, fmt.Errorf("dry run: %w", err)
	}
	install, err := n.installID(ctx, false)
	if err != nil {
		return SendResult{}, fmt.Errorf("dry run: %w", err)
	}
	counts, err := n.opts.Store.CountSubscribers(ctx)
	if err != nil {
		return SendResult{}, fmt.Errorf("count subscribers: %w", err)
	}
	var res SendResult
	total := counts[subscriber.Active]
	f := store.ListFilter{Status: subscriber.Active, Limit: 500}
	for {
		subs, err := n.opts.Store.ListSubscribers(ctx, f)
		if err != nil {
			return res, fmt.Errorf("list subscribers: %w", err)
		}
		if len(subs) == 0 {
			return res, nil
		}
		for _, sub := range subs {
			if err := n.dryRunOne(ctx, box, c, issueID, install, sub, &res); err != nil {
				return res, err
			}
		}
		f.AfterID = subs[len(subs)-1].ID
		if opts.Progress != nil {
			opts.Progress(res.Sent+res.Skipped, total)
		}
	}
}

func (n *Newsletter) dryRunOne(ctx context.Context, box *mail.Outbox, c *content, issueID int64, install string,
	sub subscriber.Subscriber, res *SendResult) error {
	posts := c.forTopics(sub.Topics)
	if len(posts) == 0 {
		res.Skipped++
		return nil
	}
	msg, err := n.message(c, sub, posts, n.messageID(install, issueID, c.date, sub.ID))
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
