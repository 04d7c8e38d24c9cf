package newsletter

import (
	"context"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// Store is what the newsletter needs of the database: the subscribers it
// sends to, the issues, the deliveries ledger and two settings (the
// baseline and the install id). store.Store (SQLite and PostgreSQL)
// satisfies it; its methods document the contracts.
type Store interface {
	// Subscribers.
	SubscriberByEmail(ctx context.Context, emailKey string) (subscriber.Subscriber, error)
	SubscribersByID(ctx context.Context, ids []int64) (map[int64]subscriber.Subscriber, error)
	ListSubscribers(ctx context.Context, f store.ListFilter) ([]subscriber.Subscriber, error)
	CountSubscribers(ctx context.Context) (map[subscriber.Status]int, error)

	// Settings.
	Setting(ctx context.Context, key string) (string, error)
	SetSettingIfAbsent(ctx context.Context, key, value string) (string, error)

	// Posts seen.
	SeePosts(ctx context.Context, seen map[string]time.Time) (map[string]time.Time, error)
	PostsSeen(ctx context.Context, ids []string) (map[string]time.Time, error)

	// Issues.
	CreateIssue(ctx context.Context, is *store.Issue, now time.Time) (created bool, err error)
	Issue(ctx context.Context, id int64) (store.Issue, error)
	NextIssueID(ctx context.Context) (int64, error)
	LastIssue(ctx context.Context, statuses ...store.IssueStatus) (store.Issue, error)
	ListIssues(ctx context.Context, limit int) ([]store.Issue, error)
	SetIssueStatus(ctx context.Context, id int64, status store.IssueStatus, reason string, now time.Time) error

	// The deliveries ledger.
	EnqueueDeliveries(ctx context.Context, issueID int64, msgID func(subscriberID int64) string, now time.Time) (int, error)
	ClaimDeliveries(ctx context.Context, issueID int64, owner string, limit int, lease time.Duration, now time.Time) ([]store.Delivery, error)
	MarkHandoffs(ctx context.Context, sent, sending []store.Handoff, now time.Time) (results []error, err error)
	MarkRetry(ctx context.Context, issueID, subscriberID int64, errMsg string, retryAt, now time.Time) error
	MarkFailed(ctx context.Context, issueID, subscriberID int64, errMsg string, bounceLimit int, now time.Time) error
	MarkUncertain(ctx context.Context, issueID, subscriberID int64, errMsg string, now time.Time) error
	MarkUnsent(ctx context.Context, issueID, subscriberID int64, errMsg string, now time.Time) error
	MarkSkipped(ctx context.Context, issueID, subscriberID int64, reason string, now time.Time) error
	RenewLease(ctx context.Context, owner string, until, now time.Time) (int, error)
	ReleaseOwner(ctx context.Context, owner string, now time.Time) error
	RecoverAll(ctx context.Context, now time.Time) error
	ResendUncertain(ctx context.Context, issueID int64, now time.Time) (int, error)
	UncertainCounts(ctx context.Context) (map[int64]int, error)
	Leases(ctx context.Context, issueID int64) ([]store.Lease, error)
	DeliveryCounts(ctx context.Context, issueID int64) (map[store.DeliveryStatus]int, error)
}
