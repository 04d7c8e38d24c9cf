package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// enqueueBatch is how many subscriber ids EnqueueDeliveries reads at once.
const enqueueBatch = 500

// EnqueueDeliveries adds a pending delivery for every active subscriber
// not yet in the issue; see store.Store. It returns store.ErrNotFound when
// the issue does not exist.
func (s *Store) EnqueueDeliveries(ctx context.Context, issueID int64, msgID func(int64) string, now time.Time) (int, error) {
	added := 0
	err := s.inTx(ctx, fmt.Sprintf("enqueue deliveries of issue %d", issueID), func(tx *sql.Tx) error {
		added = 0
		if err := issueExists(ctx, tx, issueID); err != nil {
			return err
		}
		insert, err := tx.PrepareContext(ctx, `INSERT INTO deliveries (issue_id, subscriber_id, email, status, message_id, next_attempt_at, updated_at)
			VALUES (?, ?, ?, 'pending', ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insert.Close()
		for after := int64(0); ; {
			batch, err := unqueued(ctx, tx, issueID, after)
			if err != nil || len(batch) == 0 {
				return err
			}
			for _, r := range batch {
				if _, err := insert.ExecContext(ctx, issueID, r.id, r.email, msgID(r.id), codec.Nanos(now), codec.Nanos(now)); err != nil {
					return err
				}
			}
			added += len(batch)
			after = batch[len(batch)-1].id
		}
	})
	return added, err
}

type recipient struct {
	id    int64
	email string
}

// unqueued returns the next active subscribers after id without a delivery
// in the issue.
func unqueued(ctx context.Context, tx *sql.Tx, issueID, after int64) ([]recipient, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.email FROM subscribers s
		WHERE s.status = 'active' AND s.id > ?
		AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.issue_id = ? AND d.subscriber_id = s.id)
		ORDER BY s.id LIMIT ?`, after, issueID, enqueueBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var batch []recipient
	for rows.Next() {
		var r recipient
		if err := rows.Scan(&r.id, &r.email); err != nil {
			return nil, err
		}
		batch = append(batch, r)
	}
	return batch, rows.Err()
}

func issueExists(ctx context.Context, q querier, issueID int64) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM issues WHERE id = ?`, issueID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

const deliveryColumns = `issue_id, subscriber_id, email, status, attempts, last_error, message_id,
	next_attempt_at, owner, lease_until, updated_at`

func scanDelivery(row scanner) (store.Delivery, error) {
	var d store.Delivery
	var next, lease, updated int64
	err := row.Scan(&d.IssueID, &d.SubscriberID, &d.Email, &d.Status, &d.Attempts, &d.LastError, &d.MessageID,
		&next, &d.Owner, &lease, &updated)
	d.NextAttemptAt, d.LeaseUntil, d.UpdatedAt = codec.Time(next), codec.Time(lease), codec.Time(updated)
	return d, err
}

// ClaimDeliveries takes up to limit due deliveries of the issue for owner;
// see store.Store. The result is ordered by subscriber id.
func (s *Store) ClaimDeliveries(ctx context.Context, issueID int64, owner string, limit int, lease time.Duration, now time.Time) ([]store.Delivery, error) {
	if err := codec.CheckClaim(owner, limit, lease); err != nil {
		return nil, fmt.Errorf("claim deliveries of issue %d: %w", issueID, err)
	}
	var claimed []store.Delivery
	err := s.inTx(ctx, fmt.Sprintf("claim deliveries of issue %d", issueID), func(tx *sql.Tx) error {
		n := codec.Nanos(now)
		_, err := s.exec(ctx, tx, sqlExpireSending, n, issueID, n)
		if err != nil {
			return err
		}
		claimed, err = s.claimDue(ctx, tx, issueID, owner, limit, now.Add(lease), now)
		return err
	})
	sort.Slice(claimed, func(i, j int) bool { return claimed[i].SubscriberID < claimed[j].SubscriberID })
	return claimed, err
}

// Claims take expired claims first, then pending deliveries due at now in
// (next_attempt_at, subscriber_id) order, each read from deliveries_due.
const (
	sqlExpireSending = `UPDATE deliveries SET status = 'uncertain', last_error = 'the sender died while handing it to the relay', owner = '', lease_until = 0, updated_at = ?
		WHERE issue_id = ? AND status = 'sending' AND lease_until <= ?`
	claimSet = `UPDATE deliveries SET status = 'claimed', owner = ?, lease_until = ?, updated_at = ?
		WHERE issue_id = ? AND subscriber_id IN (SELECT subscriber_id FROM deliveries WHERE issue_id = ? AND `
	claimExpired = claimSet + `status = 'claimed' AND lease_until <= ?
		ORDER BY next_attempt_at, subscriber_id LIMIT ?) RETURNING ` + deliveryColumns
	claimPending = claimSet + `status = 'pending' AND next_attempt_at <= ?
		ORDER BY next_attempt_at, subscriber_id LIMIT ?) RETURNING ` + deliveryColumns
)

// claimDue claims up to limit due deliveries for owner until leaseUntil.
func (s *Store) claimDue(ctx context.Context, tx *sql.Tx, issueID int64, owner string, limit int, leaseUntil, now time.Time) ([]store.Delivery, error) {
	var claimed []store.Delivery
	for _, query := range []string{claimExpired, claimPending} {
		if len(claimed) == limit {
			break
		}
		n := codec.Nanos(now)
		rows, err := s.query(ctx, tx, query, owner, codec.Nanos(leaseUntil), n, issueID, issueID, n, limit-len(claimed))
		if err != nil {
			return nil, err
		}
		more, err := collectDeliveries(rows)
		if err != nil {
			return nil, err
		}
		claimed = append(claimed, more...)
	}
	return claimed, nil
}

func collectDeliveries(rows *sql.Rows) ([]store.Delivery, error) {
	return collect(rows, scanDelivery)
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var list []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}
