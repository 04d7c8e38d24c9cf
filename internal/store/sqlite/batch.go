package sqlite

import (
	"context"
	"fmt"
	"strconv"

	"github.com/heraldhq/herald/internal/subscriber"
)

// SubscribersByID returns the subscribers with ids, keyed by id; missing
// ids are absent. The ids travel as one JSON array, so the query text is
// the same for every batch.
func (s *Store) SubscribersByID(ctx context.Context, ids []int64) (map[int64]subscriber.Subscriber, error) {
	subs := make(map[int64]subscriber.Subscriber, len(ids))
	if len(ids) == 0 {
		return subs, nil
	}
	list := make([]byte, 0, 8*len(ids))
	for i, id := range ids {
		if i > 0 {
			list = append(list, ',')
		}
		list = strconv.AppendInt(list, id, 10)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+subscriberColumns+` FROM subscribers
		WHERE id IN (SELECT value FROM json_each(?))`, "["+string(list)+"]")
	if err != nil {
		return nil, fmt.Errorf("get %d subscribers by id: %w", len(ids), err)
	}
	defer rows.Close()
	for rows.Next() {
		sub, err := scanSubscriber(rows)
		if err != nil {
			return nil, fmt.Errorf("get %d subscribers by id: %w", len(ids), err)
		}
		subs[sub.ID] = sub
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("get %d subscribers by id: %w", len(ids), err)
	}
	return subs, nil
}
