package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/subscriber"
)

// SubscribersByID returns the subscribers with ids, keyed by id; missing
// ids are absent.
func (s *Store) SubscribersByID(ctx context.Context, ids []int64) (map[int64]subscriber.Subscriber, error) {
	subs := make(map[int64]subscriber.Subscriber, len(ids))
	if len(ids) == 0 {
		return subs, nil
	}
	err := s.withConn(ctx, fmt.Sprintf("get %d subscribers by id", len(ids)), func(tx dbtx) error {
		rows, err := tx.Query(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (subscriber.Subscriber, error) { return scanSubscriber(r) })
		for _, sub := range list {
			subs[sub.ID] = sub
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return subs, nil
}
