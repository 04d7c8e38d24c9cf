package newsletter

import (
	"context"
	"errors"
	"fmt"

	"github.com/heraldhq/herald/internal/post"
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
	c, err := n.nextContent(ctx, false)
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
func (n *Newsletter) nextContent(ctx context.Context, write bool) (*content, error) {
	since, err := n.since(ctx, false)
	if err != nil {
		return nil, err
	}
	now := n.now()
	posts, err := n.window(ctx, since, now, write)
	if err != nil {
		return nil, err
	}
	c := &content{date: now, since: since, posts: posts}
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
