package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
	"github.com/jackc/pgx/v5"
)

// markSending moves h to sending, or to skipped when its subscriber left.
// outcome is nil, store.ErrNotFound, store.ErrNotClaimed (nothing written)
// or store.ErrNotActive (marked skipped); err is a database error.
func markSending(ctx context.Context, c dbtx, h store.Handoff, now time.Time) (outcome, err error) {
	var status string
	err = c.QueryRow(ctx, sqlMarkSending, h.IssueID, h.SubscriberID, h.Owner, codec.Nanos(now)).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		err = whyNotClaimed(ctx, c, h.IssueID, h.SubscriberID)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrNotClaimed) {
			return err, nil
		}
		return nil, err
	}
	if err == nil && status != string(store.DeliverySending) {
		return store.ErrNotActive, nil
	}
	return nil, err
}

// sqlMarkSending turns a claimed delivery into sending when its subscriber
// is active, into skipped otherwise, and returns the new status.
const sqlMarkSending = `UPDATE deliveries d SET
		status = CASE WHEN s.status = 'active' THEN 'sending' ELSE 'skipped' END,
		attempts = d.attempts + CASE WHEN s.status = 'active' THEN 1 ELSE 0 END,
		owner = CASE WHEN s.status = 'active' THEN d.owner ELSE '' END,
		lease_until = CASE WHEN s.status = 'active' THEN d.lease_until ELSE 0 END,
		last_error = CASE WHEN s.status = 'active' THEN d.last_error ELSE 'subscriber ' || s.status END,
		updated_at = $4
	FROM subscribers s
	WHERE s.id = d.subscriber_id AND d.issue_id = $1 AND d.subscriber_id = $2
		AND d.status = 'claimed' AND d.owner = $3 AND d.lease_until > $4
	RETURNING d.status`

// whyNotClaimed tells a missing delivery (store.ErrNotFound) from one
// that owner does not hold (store.ErrNotClaimed).
func whyNotClaimed(ctx context.Context, c dbtx, issueID, subscriberID int64) error {
	var one int
	err := c.QueryRow(ctx, `SELECT 1 FROM deliveries WHERE issue_id = $1 AND subscriber_id = $2`, issueID, subscriberID).Scan(&one)
	if err != nil {
		return notFound(err)
	}
	return store.ErrNotClaimed
}

func deliveryStep(step string, issueID, subscriberID int64) string {
	return fmt.Sprintf("%s delivery of issue %d to subscriber %d", step, issueID, subscriberID)
}

// setDelivery updates one delivery: set is the SET list (its placeholders
// take args), updated_at is set to now. No such row is store.ErrNotFound.
func setDelivery(ctx context.Context, tx dbtx, issueID, subscriberID int64, set string, now time.Time, args ...any) error {
	args = append(args, codec.Nanos(now), issueID, subscriberID)
	n := len(args)
	return execOne(ctx, tx, fmt.Sprintf(`UPDATE deliveries SET %s, updated_at = $%d WHERE issue_id = $%d AND subscriber_id = $%d`,
		set, n-2, n-1, n), args...)
}

// mark runs setDelivery in its own transaction.
func (s *Store) mark(ctx context.Context, step string, issueID, subscriberID int64, set string, now time.Time, args ...any) error {
	return s.withConn(ctx, deliveryStep(step, issueID, subscriberID), func(tx dbtx) error {
		return setDelivery(ctx, tx, issueID, subscriberID, set, now, args...)
	})
}

const setSent = `status = 'sent', owner = '', lease_until = 0, last_error = ''`

// MarkRetry puts the delivery back to pending at retryAt with errMsg.
func (s *Store) MarkRetry(ctx context.Context, issueID, subscriberID int64, errMsg string, retryAt, now time.Time) error {
	return s.mark(ctx, "mark retry", issueID, subscriberID,
		`status = 'pending', owner = '', lease_until = 0, last_error = $1, next_attempt_at = $2`, now, errMsg, codec.Nanos(retryAt))
}

// MarkUncertain records that the relay may have the message.
func (s *Store) MarkUncertain(ctx context.Context, issueID, subscriberID int64, errMsg string, now time.Time) error {
	return s.mark(ctx, "mark uncertain", issueID, subscriberID,
		`status = 'uncertain', owner = '', lease_until = 0, last_error = $1`, now, errMsg)
}

// MarkUnsent puts a delivery the relay never had back to pending, due at
// now, without counting the attempt.
func (s *Store) MarkUnsent(ctx context.Context, issueID, subscriberID int64, errMsg string, now time.Time) error {
	return s.mark(ctx, "mark unsent", issueID, subscriberID,
		`status = 'pending', owner = '', lease_until = 0, last_error = $1, next_attempt_at = $2,
		attempts = greatest(attempts - 1, 0)`, now, errMsg, codec.Nanos(now))
}

// RenewLease extends owner's claims until until.
func (s *Store) RenewLease(ctx context.Context, owner string, until, now time.Time) (int, error) {
	var n int64
	err := s.withConn(ctx, fmt.Sprintf("renew the lease of %q", owner), func(tx dbtx) error {
		// Rows a hand-off is marking right now are skipped, not waited
		// for (the next renewal takes them): no lock order to deadlock on.
		tag, err := tx.Exec(ctx, `UPDATE deliveries d SET lease_until = $1
			FROM (SELECT issue_id, subscriber_id FROM deliveries
				WHERE owner = $2 AND status IN ('claimed', 'sending') FOR UPDATE SKIP LOCKED) held
			WHERE d.issue_id = held.issue_id AND d.subscriber_id = held.subscriber_id`, codec.Nanos(until), owner)
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}

// UncertainCounts returns the uncertain deliveries per issue.
func (s *Store) UncertainCounts(ctx context.Context) (map[int64]int, error) {
	out := map[int64]int{}
	err := s.withConn(ctx, "count uncertain deliveries", func(tx dbtx) error {
		rows, err := tx.Query(ctx, `SELECT issue_id, count(*) FROM deliveries WHERE status = 'uncertain' GROUP BY issue_id`)
		if err != nil {
			return err
		}
		var id int64
		var n int
		_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error { out[id] = n; return nil })
		return err
	})
	return out, err
}

// MarkSkipped marks the delivery skipped with reason.
func (s *Store) MarkSkipped(ctx context.Context, issueID, subscriberID int64, reason string, now time.Time) error {
	return s.mark(ctx, "mark skipped", issueID, subscriberID, `status = 'skipped', owner = '', lease_until = 0, last_error = $1`, now, reason)
}

// MarkFailed marks a permanent failure and counts a bounce; an active or
// pending subscriber becomes bounced when Bounces reaches bounceLimit (0:
// never).
func (s *Store) MarkFailed(ctx context.Context, issueID, subscriberID int64, errMsg string, bounceLimit int, now time.Time) error {
	return s.inTx(ctx, deliveryStep("mark failed", issueID, subscriberID), func(tx pgx.Tx) error {
		err := setDelivery(ctx, tx, issueID, subscriberID, `status = 'failed', owner = '', lease_until = 0, last_error = $1`, now, errMsg)
		if err != nil {
			return err
		}
		n := codec.Nanos(now)
		_, err = tx.Exec(ctx, `UPDATE subscribers SET bounces = bounces + 1, updated_at = $1,
			status = CASE WHEN $2::bigint > 0 AND bounces + 1 >= $2 AND status IN ('active', 'pending') THEN 'bounced' ELSE status END,
			bounced_at = CASE WHEN $2::bigint > 0 AND bounces + 1 >= $2 AND status IN ('active', 'pending') THEN $1 ELSE bounced_at END
			WHERE id = $3`, n, bounceLimit, subscriberID)
		return err
	})
}

// ReleaseOwner ends owner's claims: claimed -> pending, sending -> uncertain.
func (s *Store) ReleaseOwner(ctx context.Context, owner string, now time.Time) error {
	return s.release(ctx, fmt.Sprintf("release deliveries of %q", owner), "owner = $2", now, owner)
}

// RecoverAll is ReleaseOwner for every owner.
func (s *Store) RecoverAll(ctx context.Context, now time.Time) error {
	return s.release(ctx, "recover all deliveries", "1 = 1", now)
}

func (s *Store) release(ctx context.Context, step, where string, now time.Time, args ...any) error {
	return s.inTx(ctx, step, func(tx pgx.Tx) error {
		for _, move := range []string{`status = 'pending' WHERE status = 'claimed'`, `status = 'uncertain', last_error = 'the sender stopped while handing it to the relay' WHERE status = 'sending'`} {
			q := `UPDATE deliveries SET owner = '', lease_until = 0, updated_at = $1, ` + move + ` AND ` + where
			if _, err := tx.Exec(ctx, q, append([]any{codec.Nanos(now)}, args...)...); err != nil {
				return err
			}
		}
		return nil
	})
}

// ResendUncertain turns the issue's uncertain deliveries back to pending,
// due at now, and returns how many. A missing issue is store.ErrNotFound.
func (s *Store) ResendUncertain(ctx context.Context, issueID int64, now time.Time) (int, error) {
	var n int64
	err := s.inTx(ctx, fmt.Sprintf("resend uncertain deliveries of issue %d", issueID), func(tx pgx.Tx) error {
		if err := issueExists(ctx, tx, issueID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE deliveries SET status = 'pending', next_attempt_at = $1, updated_at = $1
			WHERE issue_id = $2 AND status = 'uncertain'`, codec.Nanos(now), issueID)
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}
