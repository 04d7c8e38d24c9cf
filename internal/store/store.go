package store

import (
	"context"
	"errors"
	"time"

	"github.com/heraldhq/herald/internal/subscriber"
)

// ErrNotFound is returned when the requested row does not exist.
var ErrNotFound = errors.New("not found")

// ErrNotActive is the outcome of a MarkHandoffs sending mark when the
// subscriber left (or bounced) after the delivery was enqueued; the
// delivery is then marked skipped and must not be sent.
var ErrNotActive = errors.New("subscriber no longer active")

// ErrNotClaimed is the outcome of a MarkHandoffs sending mark when the
// delivery is not claimed by owner under a live lease (the lease expired,
// or another instance took it over): the caller must not send it.
var ErrNotClaimed = errors.New("delivery not claimed by this owner")

// IssueStatus is the state of a scheduled run.
type IssueStatus string

const (
	IssueSending IssueStatus = "sending" // deliveries enqueued, not all final
	IssueSent    IssueStatus = "sent"    // every delivery final
	IssueSkipped IssueStatus = "skipped" // run recorded but nothing sent (vacation, too late, nothing new)
)

// Issue is one scheduled (or manual) run of the newsletter. Key is unique:
// exactly one Issue exists per scheduled time, whatever the instance count.
type Issue struct {
	ID          int64
	Key         string // e.g. "2026-11-30T09:00:00Z"; "manual:<unix nanos>" for `herald send`
	ScheduledAt time.Time
	Status      IssueStatus
	Reason      string // why skipped; empty when sent
	// Window of publication dates covered: posts with Since < Date <= Until.
	Since       time.Time
	Until       time.Time
	PostIDs     []string // post ids in the issue, newest first
	CreatedAt   time.Time
	CompletedAt time.Time // zero while sending
}

// DeliveryStatus is the state of one recipient of one issue.
type DeliveryStatus string

const (
	DeliveryPending   DeliveryStatus = "pending"   // to be sent (again) at NextAttemptAt
	DeliveryClaimed   DeliveryStatus = "claimed"   // taken by an instance under a lease; not yet handed to SMTP
	DeliverySending   DeliveryStatus = "sending"   // written just before the SMTP hand-off
	DeliverySent      DeliveryStatus = "sent"      // the server accepted it
	DeliveryFailed    DeliveryStatus = "failed"    // permanent failure (5xx) or attempts exhausted
	DeliveryUncertain DeliveryStatus = "uncertain" // was "sending" when its owner died: maybe delivered
	DeliverySkipped   DeliveryStatus = "skipped"   // subscriber left, or no post matched their topics
)

// Delivery is one ledger row: one recipient of one issue.
type Delivery struct {
	IssueID       int64
	SubscriberID  int64
	Email         string
	Status        DeliveryStatus
	Attempts      int
	LastError     string
	MessageID     string // derived from issue and subscriber; same on resend
	NextAttemptAt time.Time
	Owner         string    // instance holding the lease, empty when none
	LeaseUntil    time.Time // claim expires then
	UpdatedAt     time.Time
}

// Handoff names one delivery for MarkHandoffs: a delivery just accepted by
// the server, or one about to be handed to it by Owner.
type Handoff struct {
	IssueID      int64
	SubscriberID int64
	Owner        string // the claim's owner; checked for sending, ignored for sent
}

// Lease is what one owner holds of an issue's deliveries: how many are
// claimed and sending under its lease, and when the last of those leases
// ends (it may be past: a dead owner's claims stay until someone claims
// them again).
type Lease struct {
	Owner   string
	Claimed int
	Sending int
	Until   time.Time
}

// QueuedMail is a confirmation or welcome email waiting in the queue.
type QueuedMail struct {
	ID            int64
	SubscriberID  int64
	Kind          string // "confirm" or "welcome"
	Attempts      int    // claims so far
	LastError     string
	NextAttemptAt time.Time
	CreatedAt     time.Time
}

// MailQueueStats sums up the queue of confirmation and welcome emails.
type MailQueueStats struct {
	Queued  int       // emails not sent yet, in flight or waiting
	Failing int       // of those, the ones whose last attempt failed
	Oldest  time.Time // when the oldest was queued; zero when none is
}

// ListFilter selects subscribers; zero values select everything.
type ListFilter struct {
	Status  subscriber.Status
	AfterID int64 // keyset pagination: only IDs greater than this
	Limit   int   // 0 means no limit
}

// ImportResult counts what Import did.
type ImportResult struct {
	Added     int
	Updated   int // name or topics refreshed on a known address
	Unchanged int // known and kept as they were (unsubscribed people stay unsubscribed)
}

// Settings is the part of a Store that EnsureSecret and EnsureInstallID
// use.
type Settings interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSettingIfAbsent(ctx context.Context, key, value string) (string, error)
}

// Store is implemented by sqlite.Store and postgres.Store. Every method is
// one transaction; nothing is half-written after a crash. Methods are safe
// for concurrent use.
type Store interface {
	// Subscribers.

	// CreateSubscriber inserts s (ID and timestamps set from now) unless
	// its EmailKey exists; then it loads the existing row into s and
	// returns created=false, changing nothing.
	CreateSubscriber(ctx context.Context, s *subscriber.Subscriber, now time.Time) (created bool, err error)
	Subscriber(ctx context.Context, id int64) (subscriber.Subscriber, error)
	SubscriberByEmail(ctx context.Context, emailKey string) (subscriber.Subscriber, error)
	// SubscribersByID returns the subscribers with the given ids, keyed by
	// id, in one query (a sender loads a claimed batch at once). An id with
	// no subscriber is absent from the map; that is not an error.
	SubscribersByID(ctx context.Context, ids []int64) (map[int64]subscriber.Subscriber, error)
	ListSubscribers(ctx context.Context, f ListFilter) ([]subscriber.Subscriber, error)
	// CountSubscribers returns the number of subscribers per status.
	CountSubscribers(ctx context.Context) (map[subscriber.Status]int, error)
	// Confirm makes a pending subscriber active; active stays active;
	// unsubscribed or bounced subscribers are returned unchanged.
	Confirm(ctx context.Context, id int64, now time.Time) (subscriber.Subscriber, error)
	Unsubscribe(ctx context.Context, id int64, now time.Time) (subscriber.Subscriber, error)
	SetTopics(ctx context.Context, id int64, topics []string, now time.Time) error
	SetName(ctx context.Context, id int64, name string, now time.Time) error
	// MarkConfirmSent records that a confirmation email was sent at now.
	MarkConfirmSent(ctx context.Context, id int64, now time.Time) error
	// Resubscribe turns an unsubscribed or bounced subscriber back into
	// pending (they used the form again and must confirm again).
	Resubscribe(ctx context.Context, id int64, now time.Time) (subscriber.Subscriber, error)
	DeleteSubscriber(ctx context.Context, id int64) error
	// Import adds or updates many subscribers in one transaction. Known
	// unsubscribed or bounced addresses are never changed.
	Import(ctx context.Context, subs []subscriber.Subscriber, now time.Time) (ImportResult, error)

	// Settings: small shared values (signing secret, newsletter baseline).

	Setting(ctx context.Context, key string) (string, error) // ErrNotFound when unset
	// SetSettingIfAbsent stores value unless key is set, and returns the
	// value in force afterwards. Concurrent callers all see the same value.
	SetSettingIfAbsent(ctx context.Context, key, value string) (string, error)

	// Posts seen: when herald first saw each post (newsletter).

	// SeePosts records, for every id of seen not recorded yet, the time
	// given as its first sighting, and returns the recorded first-seen
	// time of every id of seen (the earlier record wins). One transaction.
	SeePosts(ctx context.Context, seen map[string]time.Time) (map[string]time.Time, error)
	// PostsSeen returns the recorded first-seen times of the ids that have
	// one (of every post recorded when ids is nil); it writes nothing.
	PostsSeen(ctx context.Context, ids []string) (map[string]time.Time, error)

	// Issues.

	// CreateIssue inserts is unless an issue with the same Key exists; then
	// it loads the existing one into is and returns created=false.
	CreateIssue(ctx context.Context, is *Issue, now time.Time) (created bool, err error)
	Issue(ctx context.Context, id int64) (Issue, error)
	// NextIssueID returns the id CreateIssue will give the next issue, for
	// the Message-IDs of a dry run; another writer may take it first.
	NextIssueID(ctx context.Context) (int64, error)
	// LastIssue returns the issue with the latest ScheduledAt among those
	// with one of the statuses (all when none given), or ErrNotFound.
	LastIssue(ctx context.Context, statuses ...IssueStatus) (Issue, error)
	ListIssues(ctx context.Context, limit int) ([]Issue, error) // newest first
	SetIssueStatus(ctx context.Context, id int64, status IssueStatus, reason string, now time.Time) error

	// Deliveries ledger.

	// EnqueueDeliveries adds a pending delivery for every active subscriber
	// not yet in the issue, with MessageID from msgID(subscriberID).
	// Idempotent. Returns the number added.
	EnqueueDeliveries(ctx context.Context, issueID int64, msgID func(subscriberID int64) string, now time.Time) (int, error)
	// ClaimDeliveries takes up to limit deliveries of the issue for owner
	// until now+lease: pending ones due at now, and claimed ones whose lease
	// expired. It first turns "sending" rows whose lease expired into
	// "uncertain". PostgreSQL uses FOR UPDATE SKIP LOCKED.
	ClaimDeliveries(ctx context.Context, issueID int64, owner string, limit int, lease time.Duration, now time.Time) ([]Delivery, error)
	// MarkHandoffs marks every delivery in sent as sent (the server
	// accepted it) and moves every delivery in sending, claimed by its
	// owner under a live lease, to sending, counting an attempt; all in one
	// transaction, so that a sender
	// pays one commit per message: the sent mark of a connection's last
	// message rides with the sending mark of its next. results[i] is the
	// outcome of sending[i]: nil (hand it off), ErrNotClaimed, ErrNotActive
	// (marked skipped) or ErrNotFound, each committed with the rest. err
	// non-nil means nothing was written (a sent delivery that does not
	// exist is ErrNotFound there).
	MarkHandoffs(ctx context.Context, sent, sending []Handoff, now time.Time) (results []error, err error)
	// MarkRetry puts the delivery back to pending at retryAt with errMsg.
	MarkRetry(ctx context.Context, issueID, subscriberID int64, errMsg string, retryAt, now time.Time) error
	// MarkFailed marks a permanent failure; the subscriber's Bounces grows
	// and they become Bounced when it reaches bounceLimit (0: never).
	MarkFailed(ctx context.Context, issueID, subscriberID int64, errMsg string, bounceLimit int, now time.Time) error
	// MarkUncertain records that the relay may have the message: the end
	// of DATA was written and no reply came. The delivery is never sent
	// again unless ResendUncertain; errMsg is kept as its last error.
	MarkUncertain(ctx context.Context, issueID, subscriberID int64, errMsg string, now time.Time) error
	// MarkUnsent puts a delivery that certainly did not reach the relay,
	// through no fault of the recipient (the relay failed, or the sender
	// stopped), back to pending, due at now, without counting the attempt;
	// errMsg is kept as its last error.
	MarkUnsent(ctx context.Context, issueID, subscriberID int64, errMsg string, now time.Time) error
	// RenewLease extends until until the lease of every delivery owner
	// holds (claimed or sending) and returns how many. A live sender calls
	// it well within the lease, so its claims outlive it only briefly.
	RenewLease(ctx context.Context, owner string, until, now time.Time) (int, error)
	// Leases returns, by owner, the deliveries of the issue that are
	// claimed or sending, with the end of the owner's latest lease, live or
	// expired; none (and no error) for an issue without such deliveries or
	// a missing issue. A sender waiting for the rest of an issue reads who
	// holds it, and until when.
	Leases(ctx context.Context, issueID int64) ([]Lease, error)
	// UncertainCounts returns the number of uncertain deliveries of every
	// issue that has any, keyed by issue id.
	UncertainCounts(ctx context.Context) (map[int64]int, error)
	// MarkSkipped marks the delivery skipped (no matching post) without sending.
	MarkSkipped(ctx context.Context, issueID, subscriberID int64, reason string, now time.Time) error
	// ReleaseOwner ends owner's claims at once (clean shutdown or start-up of
	// a single instance): claimed -> pending, sending -> uncertain.
	ReleaseOwner(ctx context.Context, owner string, now time.Time) error
	// RecoverAll is ReleaseOwner for every owner; used at start by a
	// single-instance (SQLite) deployment, where the data-folder lock proves
	// nobody else is sending.
	RecoverAll(ctx context.Context, now time.Time) error
	// ResendUncertain turns the issue's uncertain deliveries back to pending.
	ResendUncertain(ctx context.Context, issueID int64, now time.Time) (int, error)
	DeliveryCounts(ctx context.Context, issueID int64) (map[DeliveryStatus]int, error)
	ListDeliveries(ctx context.Context, issueID int64, status DeliveryStatus, limit int) ([]Delivery, error)

	// Mail queue: confirmation and welcome emails, recorded by a request
	// and sent by the daemon.

	// EnqueueMail records that subscriber id is owed an email of kind,
	// due at now. Adding one that is already waiting changes nothing.
	EnqueueMail(ctx context.Context, subscriberID int64, kind string, now time.Time) error
	// ClaimMails returns up to limit emails due at now, oldest first, each
	// with its attempt counted and hidden from other claims until
	// now+lease (a sender that dies leaves them to be claimed again).
	// PostgreSQL uses FOR UPDATE SKIP LOCKED.
	ClaimMails(ctx context.Context, limit int, lease time.Duration, now time.Time) ([]QueuedMail, error)
	// MailDone removes a sent (or abandoned) email from the queue.
	MailDone(ctx context.Context, id int64) error
	// MailRetry keeps the email for another attempt at retryAt, with errMsg.
	MailRetry(ctx context.Context, id int64, errMsg string, retryAt time.Time) error
	// QueuedMails lists the queue, oldest first (for checks and tests).
	QueuedMails(ctx context.Context) ([]QueuedMail, error)
	// MailQueueStats counts the queue without listing it (for /metrics).
	MailQueueStats(ctx context.Context) (MailQueueStats, error)

	// Ping checks the connection (for /healthz).
	Ping(ctx context.Context) error
	Close() error
}
