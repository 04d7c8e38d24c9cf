package sqlite

import (
	"context"
	"fmt"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// DeliveryCounts returns how many deliveries of the issue have each
// status; a missing issue is store.ErrNotFound.
func (s *Store) DeliveryCounts(ctx context.Context, issueID int64) (map[store.DeliveryStatus]int, error) {
	if err := issueExists(ctx, s.read, issueID); err != nil {
		return nil, fmt.Errorf("count deliveries of issue %d: %w", issueID, err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT status, count(*) FROM deliveries WHERE issue_id = ? GROUP BY status`, issueID)
	if err != nil {
		return nil, fmt.Errorf("count deliveries of issue %d: %w", issueID, err)
	}
	defer rows.Close()
	counts := map[store.DeliveryStatus]int{}
	for rows.Next() {
		var st store.DeliveryStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count deliveries of issue %d: %w", issueID, err)
		}
		counts[st] = n
	}
	return counts, rows.Err()
}

// ListDeliveries returns up to limit (all when <= 0) deliveries of the
// issue with status (any when empty), by subscriber id.
func (s *Store) ListDeliveries(ctx context.Context, issueID int64, status store.DeliveryStatus, limit int) ([]store.Delivery, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE issue_id = ? AND (? = '' OR status = ?) ORDER BY subscriber_id LIMIT ?`, issueID, status, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list deliveries of issue %d: %w", issueID, err)
	}
	list, err := collectDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("list deliveries of issue %d: %w", issueID, err)
	}
	return list, nil
}

// Leases returns, by owner, the issue's claimed and sending deliveries
// and the end of the owner's latest lease; see store.Store. It reads the
// few held rows from deliveries_held.
func (s *Store) Leases(ctx context.Context, issueID int64) ([]store.Lease, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT owner, status, count(*), max(lease_until) FROM deliveries
		WHERE issue_id = ? AND (status = 'claimed' OR status = 'sending') GROUP BY owner, status ORDER BY owner`, issueID)
	if err != nil {
		return nil, fmt.Errorf("read the leases of issue %d: %w", issueID, err)
	}
	defer rows.Close()
	var leases []store.Lease
	for rows.Next() {
		var owner string
		var status store.DeliveryStatus
		var n int
		var until int64
		if err := rows.Scan(&owner, &status, &n, &until); err != nil {
			return nil, fmt.Errorf("read the leases of issue %d: %w", issueID, err)
		}
		leases = codec.AddLease(leases, owner, status, n, codec.Time(until))
	}
	return leases, rows.Err()
}
