package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// enqueueBatch is how many subscribers EnqueueDeliveries reads and inserts
// per round trip.
const enqueueBatch = 500

// EnqueueDeliveries adds a pending delivery for every active subscriber
// not yet in the issue; see store.Store. Concurrent callers are safe: the
// (issue, subscriber) key makes a second insert a no-op. A missing issue
// is store.ErrNotFound.
func (s *Store) EnqueueDeliveries(ctx context.Context, issueID int64, msgID func(int64) string, now time.Time) (int, error) {
	added := 0
	err := s.inTx(ctx, fmt.Sprintf("enqueue deliveries of issue %d", issueID), func(tx pgx.Tx) error {
		added = 0
		if err := issueExists(ctx, tx, issueID); err != nil {
			return err
		}
		for after := int64(0); ; {
			batch, err := unqueued(ctx, tx, issueID, after)
			if err != nil || len(batch) == 0 {
				return err
			}
			n, err := insertDeliveries(ctx, tx, issueID, batch, msgID, now)
			if err != nil {
				return err
			}
			added += n
			after = batch[len(batch)-1].id
		}
	})
	return added, err
}

type recipient struct {
	id    int64
	email string
}

func unqueued(ctx context.Context, tx pgx.Tx, issueID, after int64) ([]recipient, error) {
	rows, err := tx.Query(ctx, `SELECT s.id, s.email FROM subscribers s
		WHERE s.status = 'active' AND s.id > $1
		AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.issue_id = $2 AND d.subscriber_id = s.id)
		ORDER BY s.id LIMIT $3`, after, issueID, enqueueBatch)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (recipient, error) {
		var rc recipient
		return rc, r.Scan(&rc.id, &rc.email)
	})
}

// insertDeliveries sends one batch of inserts in one round trip and
// returns how many rows were new.
func insertDeliveries(ctx context.Context, tx pgx.Tx, issueID int64, batch []recipient, msgID func(int64) string, now time.Time) (int, error) {
	b := &pgx.Batch{}
	for _, r := range batch {
		b.Queue(`INSERT INTO deliveries (issue_id, subscriber_id, email, status, message_id, next_attempt_at, updated_at)
			VALUES ($1, $2, $3, 'pending', $4, $5, $5) ON CONFLICT DO NOTHING`, issueID, r.id, r.email, msgID(r.id), codec.Nanos(now))
	}
	results := tx.SendBatch(ctx, b)
	added := 0
	for range batch {
		tag, err := results.Exec()
		if err != nil {
			results.Close()
			return 0, err
		}
		added += int(tag.RowsAffected())
	}
	return added, results.Close()
}

func issueExists(ctx context.Context, tx dbtx, issueID int64) error {
	var one int
	return notFound(tx.QueryRow(ctx, `SELECT 1 FROM issues WHERE id = $1`, issueID).Scan(&one))
}

const deliveryColumns = `issue_id, subscriber_id, email, status, attempts, last_error, message_id,
	next_attempt_at, owner, lease_until, updated_at`

func scanDelivery(row pgx.CollectableRow) (store.Delivery, error) {
	var d store.Delivery
	var status string
	var next, lease, updated int64
	err := row.Scan(&d.IssueID, &d.SubscriberID, &d.Email, &status, &d.Attempts, &d.LastError, &d.MessageID,
		&next, &d.Owner, &lease, &updated)
	d.Status = store.DeliveryStatus(status)
	d.NextAttemptAt, d.LeaseUntil, d.UpdatedAt = codec.Time(next), codec.Time(lease), codec.Time(updated)
	return d, err
}

// ClaimDeliveries takes up to limit due deliveries of the issue for owner;
// see store.Store. Rows another instance is claiming at the same moment
// are skipped (FOR UPDATE SKIP LOCKED), never shared. The result is
// ordered by subscriber id.
func (s *Store) ClaimDeliveries(ctx context.Context, issueID int64, owner string, limit int, lease time.Duration, now time.Time) ([]store.Delivery, error) {
	if err := codec.CheckClaim(owner, limit, lease); err != nil {
		return nil, fmt.Errorf("claim deliveries of issue %d: %w", issueID, err)
	}
	var claimed []store.Delivery
	err := s.inTx(ctx, fmt.Sprintf("claim deliveries of issue %d", issueID), func(tx pgx.Tx) error {
		n := codec.Nanos(now)
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET status = 'uncertain', last_error = 'the sender died while handing it to the relay', owner = '', lease_until = 0, updated_at = $1
			WHERE issue_id = $2 AND status = 'sending' AND lease_until <= $1`, n, issueID); err != nil {
			return err
		}
		var err error
		claimed, err = claimDue(ctx, tx, issueID, owner, limit, now.Add(lease), now)
		return err
	})
	sortDeliveries(claimed)
	return claimed, err
}

// Claims take expired claims first, then pending deliveries due at now in
// (next_attempt_at, subscriber_id) order, read from the partial indexes.
// Rows another instance is claiming at the same moment are skipped.
const (
	claimSet = `UPDATE deliveries d SET status = 'claimed', owner = $1, lease_until = $2, updated_at = $3
		FROM (SELECT subscriber_id FROM deliveries WHERE issue_id = $4 AND `
	claimTail = ` ORDER BY next_attempt_at, subscriber_id LIMIT $5 FOR UPDATE SKIP LOCKED) due
		WHERE d.issue_id = $4 AND d.subscriber_id = due.subscriber_id RETURNING `
	claimExpired = claimSet + `status = 'claimed' AND lease_until <= $3` + claimTail
	claimPending = claimSet + `status = 'pending' AND next_attempt_at <= $3` + claimTail
)

// claimDue claims up to limit due deliveries for owner until leaseUntil.
func claimDue(ctx context.Context, tx pgx.Tx, issueID int64, owner string, limit int, leaseUntil, now time.Time) ([]store.Delivery, error) {
	var claimed []store.Delivery
	for _, query := range []string{claimExpired, claimPending} {
		if len(claimed) == limit {
			break
		}
		rows, err := tx.Query(ctx, query+qualified("d", deliveryColumns),
			owner, codec.Nanos(leaseUntil), codec.Nanos(now), issueID, limit-len(claimed))
		if err != nil {
			return nil, err
		}
		more, err := pgx.CollectRows(rows, scanDelivery)
		if err != nil {
			return nil, err
		}
		claimed = append(claimed, more...)
	}
	return claimed, nil
}
