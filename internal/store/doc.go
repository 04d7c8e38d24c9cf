// Package store defines the persistence contract of herald: subscribers,
// newsletter issues, the deliveries ledger and shared settings.
//
// # Implementations
//
// sqlite.Open(ctx, path) is the embedded default: one file in the data
// folder, for one instance. postgres.Open(ctx, dsn) lets several instances
// share one database. storeopen.Open(ctx, driver, dsn) picks one by name.
// Both pass the contract suite in storetest (storetest.Run), so code
// written against Store behaves the same on either. Both apply their
// embedded, numbered migrations when opened.
//
// # Times
//
// Every method that records a time takes it as an argument (now); stores
// never read the clock. Times are kept as UTC unix nanoseconds and come
// back equal (time.Time.Equal) and in UTC; the zero time means "never".
//
// # The deliveries ledger
//
// A newsletter run creates its Issue with CreateIssue (the Key is unique,
// so concurrent instances create one), then EnqueueDeliveries writes one
// pending row per active subscriber. Each sender then loops:
//
//	ds := ClaimDeliveries(issue, owner, batch, lease, now) // pending -> claimed
//	for each d:
//	    MarkHandoffs(sending: d)                          // claimed -> sending
//	        ErrNotActive: they left; the row is skipped, send nothing
//	        ErrNotClaimed: the lease was lost; send nothing
//	    hand the message to SMTP
//	    MarkHandoffs(sent: d) | MarkRetry(retryAt) | MarkFailed(bounceLimit) | MarkSkipped
//
// MarkHandoffs does the two marks of a connection in one transaction: the
// sent mark of the message just accepted together with the sending mark of
// the next one, so a sender pays one commit per message and still has at
// most one row in "sending" per connection. SubscribersByID loads a claimed
// batch's recipients in one query.
//
// The loop goes on until ClaimDeliveries returns nothing and DeliveryCounts shows only
// final statuses (sent, failed, skipped, uncertain); then SetIssueStatus.
// A claim whose lease expires goes back to the pool; a row still "sending"
// when its lease expires becomes "uncertain" (it may have been delivered)
// and is sent again only after ResendUncertain. ReleaseOwner does the same
// at once for one instance at shutdown, RecoverAll for all at the start of
// a single-instance deployment. A live sender keeps its lease short and
// renews it (RenewLease), so that a dead one's claims come back soon;
// Leases tells a waiting sender who holds the rest of an issue, and until
// when.
// MarkUncertain holds a delivery the relay may have (no reply to the final
// dot); MarkUnsent puts back one the relay never had through no fault of
// the recipient (a relay failure, a stop). SeePosts records when each post
// was first seen, for the newsletter's choice of new posts.
//
// The signing secret of link tokens lives in the settings too:
// EnsureSecret stores one on first use and returns the same bytes to
// every instance.
package store
