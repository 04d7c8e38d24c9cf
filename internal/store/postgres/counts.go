package postgres

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// DeliveryCounts returns how many deliveries of the issue have each
// status; a missing issue is store.ErrNotFound.
func (s *Store) DeliveryCounts(ctx context.Context, issueID int64) (map[store.DeliveryStatus]int, error) {
	counts := map[store.DeliveryStatus]int{}
	err := s.withConn(ctx, fmt.Sprintf("count deliveries of issue %d", issueID), func(tx dbtx) error {
		if err := issueExists(ctx, tx, issueID); err != nil {
			return err
		}
		return countBy(ctx, tx, `SELECT status, count(*) FROM deliveries WHERE issue_id = $1 GROUP BY status`,
			func(k string, n int) { counts[store.DeliveryStatus(k)] = n }, issueID)
	})
	return counts, err
}

// ListDeliveries returns up to limit (all when <= 0) deliveries of the
// issue with status (any when empty), by subscriber id.
func (s *Store) ListDeliveries(ctx context.Context, issueID int64, status store.DeliveryStatus, limit int) ([]store.Delivery, error) {
	var list []store.Delivery
	err := s.withConn(ctx, fmt.Sprintf("list deliveries of issue %d", issueID), func(tx dbtx) error {
		rows, err := tx.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries
			WHERE issue_id = $1 AND ($2 = '' OR status = $2) ORDER BY subscriber_id
			LIMIT CASE WHEN $3 > 0 THEN $3 END`, issueID, string(status), int64(limit))
		if err != nil {
			return err
		}
		list, err = pgx.CollectRows(rows, scanDelivery)
		return err
	})
	return list, err
}

// qualified prefixes each column of a comma-separated list with alias.
func qualified(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

func sortDeliveries(ds []store.Delivery) {
	sort.Slice(ds, func(i, j int) bool { return ds[i].SubscriberID < ds[j].SubscriberID })
}

// Leases returns, by owner, the issue's claimed and sending deliveries
// and the end of the owner's latest lease; see store.Store. It reads the
// few held rows from deliveries_held.
func (s *Store) Leases(ctx context.Context, issueID int64) ([]store.Lease, error) {
	var leases []store.Lease
	err := s.withConn(ctx, fmt.Sprintf("read the leases of issue %d", issueID), func(tx dbtx) error {
		rows, err := tx.Query(ctx, `SELECT owner, status, count(*), max(lease_until) FROM deliveries
			WHERE issue_id = $1 AND status IN ('claimed', 'sending') GROUP BY owner, status ORDER BY owner`, issueID)
		if err != nil {
			return err
		}
		var owner, status string
		var n int
		var until int64
		_, err = pgx.ForEachRow(rows, []any{&owner, &status, &n, &until}, func() error {
			leases = codec.AddLease(leases, owner, store.DeliveryStatus(status), n, codec.Time(until))
			return nil
		})
		return err
	})
	return leases, err
}
