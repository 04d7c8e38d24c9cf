package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
	"github.com/heraldhq/herald/internal/subscriber"
)

// MarkHandoffs marks sent as sent and sending as sending in one
// transaction; see store.Store.
func (s *Store) MarkHandoffs(ctx context.Context, sent, sending []store.Handoff, now time.Time) ([]error, error) {
	results := make([]error, len(sending))
	switch err := s.fastHandoffs(ctx, sent, sending, now); {
	case err == nil:
		return results, nil
	case !errors.Is(err, errSlowPath):
		return nil, fmt.Errorf("mark %d sent and %d sending: %w", len(sent), len(sending), err)
	}
	err := s.inTx(ctx, fmt.Sprintf("mark %d sent and %d sending", len(sent), len(sending)), func(tx *sql.Tx) error {
		for _, h := range sent {
			if err := s.setDelivery(ctx, tx, h.IssueID, h.SubscriberID, setSent, now); err != nil {
				return fmt.Errorf("%s: %w", deliveryStep("mark sent", h.IssueID, h.SubscriberID), err)
			}
		}
		for i, h := range sending {
			outcome, err := s.markSending(ctx, tx, h, now)
			if err != nil {
				return fmt.Errorf("%s: %w", deliveryStep("mark sending", h.IssueID, h.SubscriberID), err)
			}
			results[i] = outcome
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// markSending moves h to sending in tx, or to skipped when its subscriber
// left. outcome is nil, store.ErrNotFound, store.ErrNotClaimed (nothing
// written) or store.ErrNotActive (marked skipped); err is a database error.
func (s *Store) markSending(ctx context.Context, tx *sql.Tx, h store.Handoff, now time.Time) (outcome, err error) {
	// The usual case in one statement; when it changes nothing, find out why.
	res, err := s.exec(ctx, tx, sqlMarkSending, codec.Nanos(now), h.IssueID, h.SubscriberID, h.Owner, codec.Nanos(now))
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return nil, err
	}
	var status store.DeliveryStatus
	var holder string
	var lease int64
	var subStatus subscriber.Status
	err = s.queryRow(ctx, tx, sqlDeliveryState, h.IssueID, h.SubscriberID).Scan(&status, &holder, &lease, &subStatus)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.ErrNotFound, nil
	case err != nil:
		return nil, err
	case status != store.DeliveryClaimed || holder != h.Owner || lease <= codec.Nanos(now):
		return store.ErrNotClaimed, nil
	case subStatus != subscriber.Active:
		return store.ErrNotActive, s.setDelivery(ctx, tx, h.IssueID, h.SubscriberID, setSkipped, now, "subscriber "+string(subStatus))
	}
	return nil, s.setDelivery(ctx, tx, h.IssueID, h.SubscriberID, setSending, now)
}

func deliveryStep(step string, issueID, subscriberID int64) string {
	return fmt.Sprintf("%s delivery of issue %d to subscriber %d", step, issueID, subscriberID)
}

// setDelivery updates one delivery: set is the SET list (its placeholders
// take args), updated_at is set to now. No such row is store.ErrNotFound.
func (s *Store) setDelivery(ctx context.Context, tx *sql.Tx, issueID, subscriberID int64, set string, now time.Time, args ...any) error {
	args = append(args, codec.Nanos(now), issueID, subscriberID)
	return s.execOne(ctx, tx, deliveryUpdate(set), args...)
}

// The SET lists of the ledger's one-row updates; their placeholders come
// before updated_at.
const (
	setSending = `status = 'sending', attempts = attempts + 1`
	setSent    = `status = 'sent', owner = '', lease_until = 0, last_error = ''`
	setRetry   = `status = 'pending', owner = '', lease_until = 0, last_error = ?, next_attempt_at = ?`
	setFailed  = `status = 'failed', owner = '', lease_until = 0, last_error = ?`
	setSkipped = `status = 'skipped', owner = '', lease_until = 0, last_error = ?`
	// Only a delivery being handed off can become uncertain or unsent.
	setUncertain = `status = 'uncertain', owner = '', lease_until = 0, last_error = ?`
	setUnsent    = `status = 'pending', owner = '', lease_until = 0, last_error = ?, next_attempt_at = ?,
		attempts = max(attempts - 1, 0)`
)

// sqlMarkSending moves a delivery claimed by owner under a live lease, whose
// subscriber is active, to sending.
const sqlMarkSending = `UPDATE deliveries SET ` + setSending + `, updated_at = ?
	WHERE issue_id = ? AND subscriber_id = ? AND status = 'claimed' AND owner = ? AND lease_until > ?
	AND EXISTS (SELECT 1 FROM subscribers s WHERE s.id = deliveries.subscriber_id AND s.status = 'active')`

const sqlDeliveryState = `SELECT d.status, d.owner, d.lease_until, s.status
	FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
	WHERE d.issue_id = ? AND d.subscriber_id = ?`

func deliveryUpdate(set string) string {
	return `UPDATE deliveries SET ` + set + `, updated_at = ? WHERE issue_id = ? AND subscriber_id = ?`
}

// hotStatements are prepared once at Open: a send runs them per recipient.
func hotStatements() []string {
	list := []string{sqlMarkSending, sqlDeliveryState, sqlExpireSending, claimExpired, claimPending}
	for _, set := range []string{setSending, setSent, setRetry, setFailed, setSkipped} {
		list = append(list, deliveryUpdate(set))
	}
	return list
}

// mark runs setDelivery in its own transaction.
func (s *Store) mark(ctx context.Context, step string, issueID, subscriberID int64, set string, now time.Time, args ...any) error {
	return s.inTx(ctx, deliveryStep(step, issueID, subscriberID), func(tx *sql.Tx) error {
		return s.setDelivery(ctx, tx, issueID, subscriberID, set, now, args...)
	})
}

// MarkRetry puts the delivery back to pending at retryAt with errMsg.
func (s *Store) MarkRetry(ctx context.Context, issueID, subscriberID int64, errMsg string, retryAt, now time.Time) error {
	return s.mark(ctx, "mark retry", issueID, subscriberID,
		setRetry, now, errMsg, codec.Nanos(retryAt))
}

// MarkUncertain records that the relay may have the message.
func (s *Store) MarkUncertain(ctx context.Context, issueID, subscriberID int64, errMsg string, now time.Time) error {
	return s.mark(ctx, "mark uncertain", issueID, subscriberID, setUncertain, now, errMsg)
}

// MarkUnsent puts a delivery the relay never had back to pending, due at
// now, without counting the attempt.
func (s *Store) MarkUnsent(ctx context.Context, issueID, subscriberID int64, errMsg string, now time.Time) error {
	return s.mark(ctx, "mark unsent", issueID, subscriberID, setUnsent, now, errMsg, codec.Nanos(now))
}

// RenewLease extends owner's claims until until.
func (s *Store) RenewLease(ctx context.Context, owner string, until, now time.Time) (int, error) {
	var n int64
	err := s.inTx(ctx, fmt.Sprintf("renew the lease of %q", owner), func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET lease_until = ?
			WHERE owner = ? AND (status = 'claimed' OR status = 'sending')`, codec.Nanos(until), owner)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// UncertainCounts returns the uncertain deliveries per issue.
func (s *Store) UncertainCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT issue_id, count(*) FROM deliveries WHERE status = 'uncertain' GROUP BY issue_id`)
	if err != nil {
		return nil, fmt.Errorf("count uncertain deliveries: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count uncertain deliveries: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// MarkSkipped marks the delivery skipped with reason.
func (s *Store) MarkSkipped(ctx context.Context, issueID, subscriberID int64, reason string, now time.Time) error {
	return s.mark(ctx, "mark skipped", issueID, subscriberID, setSkipped, now, reason)
}

// MarkFailed marks a permanent failure and counts a bounce; an active or
// pending subscriber becomes bounced when Bounces reaches bounceLimit (0:
// never).
func (s *Store) MarkFailed(ctx context.Context, issueID, subscriberID int64, errMsg string, bounceLimit int, now time.Time) error {
	return s.inTx(ctx, deliveryStep("mark failed", issueID, subscriberID), func(tx *sql.Tx) error {
		err := s.setDelivery(ctx, tx, issueID, subscriberID, setFailed, now, errMsg)
		if err != nil {
			return err
		}
		n := codec.Nanos(now)
		_, err = tx.ExecContext(ctx, `UPDATE subscribers SET bounces = bounces + 1, updated_at = ?,
			status = CASE WHEN ? > 0 AND bounces + 1 >= ? AND status IN ('active', 'pending') THEN 'bounced' ELSE status END,
			bounced_at = CASE WHEN ? > 0 AND bounces + 1 >= ? AND status IN ('active', 'pending') THEN ? ELSE bounced_at END
			WHERE id = ?`, n, bounceLimit, bounceLimit, bounceLimit, bounceLimit, n, subscriberID)
		return err
	})
}

// ReleaseOwner ends owner's claims: claimed -> pending, sending -> uncertain.
func (s *Store) ReleaseOwner(ctx context.Context, owner string, now time.Time) error {
	return s.release(ctx, fmt.Sprintf("release deliveries of %q", owner), "owner = ?", now, owner)
}

// RecoverAll is ReleaseOwner for every owner.
func (s *Store) RecoverAll(ctx context.Context, now time.Time) error {
	return s.release(ctx, "recover all deliveries", "1 = 1", now)
}

func (s *Store) release(ctx context.Context, step, where string, now time.Time, args ...any) error {
	return s.inTx(ctx, step, func(tx *sql.Tx) error {
		for _, move := range []string{`status = 'pending' WHERE status = 'claimed'`, `status = 'uncertain', last_error = 'the sender stopped while handing it to the relay' WHERE status = 'sending'`} {
			q := `UPDATE deliveries SET owner = '', lease_until = 0, updated_at = ?, ` + move + ` AND ` + where
			if _, err := tx.ExecContext(ctx, q, append([]any{codec.Nanos(now)}, args...)...); err != nil {
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
	err := s.inTx(ctx, fmt.Sprintf("resend uncertain deliveries of issue %d", issueID), func(tx *sql.Tx) error {
		if err := issueExists(ctx, tx, issueID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?
			WHERE issue_id = ? AND status = 'uncertain'`, codec.Nanos(now), codec.Nanos(now), issueID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
