package web

import (
	"context"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// Store is what the web server needs of the database: the subscriber
// flow, the mail queue and a ping for /healthz. store.Store (SQLite and
// PostgreSQL) satisfies it; its methods document the contracts,
// ErrNotFound included.
type Store interface {
	CreateSubscriber(ctx context.Context, s *subscriber.Subscriber, now time.Time) (created bool, err error)
	Subscriber(ctx context.Context, id int64) (subscriber.Subscriber, error)
	Confirm(ctx context.Context, id int64, now time.Time) (subscriber.Subscriber, error)
	Unsubscribe(ctx context.Context, id int64, now time.Time) (subscriber.Subscriber, error)
	Resubscribe(ctx context.Context, id int64, now time.Time) (subscriber.Subscriber, error)
	SetTopics(ctx context.Context, id int64, topics []string, now time.Time) error
	SetName(ctx context.Context, id int64, name string, now time.Time) error
	MarkConfirmSent(ctx context.Context, id int64, now time.Time) error
	Ping(ctx context.Context) error

	// The mail queue (see RunMailQueue).
	EnqueueMail(ctx context.Context, subscriberID int64, kind string, now time.Time) error
	ClaimMails(ctx context.Context, limit int, lease time.Duration, now time.Time) ([]store.QueuedMail, error)
	MailDone(ctx context.Context, id int64) error
	MailRetry(ctx context.Context, id int64, errMsg string, retryAt time.Time) error
	MailQueueStats(ctx context.Context) (store.MailQueueStats, error)
}
