// Package newsletter is herald's newsletter engine: it turns the runs of a
// schedule into issues and delivers them through the deliveries ledger of
// the store, so that nothing is lost and nothing is sent twice.
//
// # Issues
//
// Each scheduled run gets exactly one store.Issue, keyed by its time in UTC
// RFC 3339, whatever the number of engines sharing the store (the key is
// unique; a second engine joins the existing issue). An issue covers the
// posts that arrived in its window, Since < arrival <= Until (see "Which
// posts are new" below), where Since is the
// previous issue's Until, or the baseline: the time the newsletter first
// started (store setting "newsletter.baseline"), so existing posts are
// never mailed. Runs that send nothing are recorded skipped with a reason:
//
//   - a vacation ("vacation until 2027-02-26: note"). With after_vacation
//     "catch-up" the skipped issue's window is empty (Until = Since), so the
//     first run after the vacation sends its posts; with "skip" the window
//     runs to the vacation's end, and those posts are never mailed;
//   - nothing new (logged "Nothing new since last issue");
//   - a run missed while herald was down (CatchUp): only the latest missed
//     run is sent, and only when it is at most MaxLate late; older ones are
//     recorded skipped and carry their posts forward, a latest one that is
//     too late drops them (a restored backup does not mail stale issues).
//
// In Digest mode one email per subscriber carries every post of the run.
// In PerPost mode the run's issue is split into one issue per post, keyed
// "<run key>/<post id>" and delivered oldest first; the run's own issue
// is then marked sent with the reason "per-post: N issues".
//
// # Delivery
//
// The deliveries are enqueued for every active subscriber, then
// Options.Workers workers (one SMTP connection each) claim batches under
// a lease (owner "<Owner>#<worker>"), load the batch's subscribers in
// one query, write "sending" just before each hand-off and "sent" after
// it. To pay one commit per message, a worker's "sent" is committed with
// its next "sending" (or alone before it waits or stops), and the marks
// that workers ask for while a commit is in flight share the next one: a
// worker never has more than one delivery "sending" and unrecorded. A live
// instance renews its leases every third of Options.Lease (15 s by
// default), so a dead one's claims come back to the others within a lease.
// Workers left with nothing to claim wait for the rest; when another
// owner's lease holds some, the wait is logged (and told to herald send,
// SendOptions.Held) once with the count and the lease's end, and so is
// what came of them (see heldWatch).
//
// A failed hand-off is one of three things (see outcome.go):
//
//   - the relay may have it (mail.SendError.MaybeDelivered: the final dot
//     was written and no reply came): recorded uncertain, counted, logged,
//     never retried by itself;
//   - the relay's fault (mail.SendError.RelayFault: connect, TLS, greeting,
//     EHLO, AUTH, a 5xx to MAIL FROM): the delivery goes back to pending
//     uncounted, the workers stop, and the send returns a
//     *RelayError naming the setting to check; nobody's bounce is counted.
//     With Options.GiveUp (herald send) an unreachable relay is tried for
//     that long; the daemon's caller retries with backoff;
//   - the recipient's, or a passing one: a temporary failure (4xx, dropped
//     connection, timeout before the final dot) is retried with
//     exponential backoff and jitter from RetryBase until MaxAttempts; a
//     permanent one (5xx to RCPT or to the recipient's DATA) fails the
//     delivery and counts a bounce.
//
// Subscribers who leave during the send are skipped, as are those whose
// topics ("tag:x", "author:k") match no post. A stop (ctx) lets each
// transaction in flight end, puts the rest back and leaves nothing
// uncertain.
//
// Message-IDs are derived from the issue, the subscriber, the run's time
// and the install id: a resent copy carries the same id.
//
// # Which posts are new
//
// A post arrives at the later of when herald first saw it (RecordSeen,
// called by build, serve and send; the baseline records every post there
// is) and its date. An issue holds the posts that arrived in its window;
// a post dated more than Options.MaxBackdate before it was first seen is
// an archive import, never mailed, counted and logged.
//
// # Crashes
//
// At start, Recover releases the claims left by a crash: "claimed" goes
// back to pending, "sending" becomes uncertain (the server may have the
// message): at most one per worker, usually one per worker, since a
// worker's last accepted message stays "sending" until its next hand-off
// is marked. Uncertain deliveries are held, logged and counted in the
// herald_newsletter_deliveries_uncertain gauge, for every issue;
// ResendUncertain sends them again (one issue's, or every issue's) on the
// operator's request. Resume (called by Run) and SendNow continue the
// issues still sending, oldest first.
//
// # Time
//
// Nothing sleeps on the wall clock: Options.Clock gives the time and the
// timers, so tests drive Run, retries and schedules with fixed timestamps.
package newsletter
