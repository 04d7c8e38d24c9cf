package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// SeePosts records the first sighting of the posts not seen yet and
// returns every given post's first-seen time.
func (s *Store) SeePosts(ctx context.Context, seen map[string]time.Time) (map[string]time.Time, error) {
	ids := make([]string, 0, len(seen))
	at := make([]int64, 0, len(seen))
	for id, t := range seen {
		ids, at = append(ids, id), append(at, codec.Nanos(t))
	}
	out := make(map[string]time.Time, len(seen))
	err := s.inTx(ctx, fmt.Sprintf("record %d posts seen", len(seen)), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO posts_seen (post_id, first_seen)
			SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT (post_id) DO NOTHING`, ids, at); err != nil {
			return err
		}
		return readSeen(ctx, tx, ids, out)
	})
	return out, err
}

// PostsSeen returns the first-seen times of the ids recorded.
func (s *Store) PostsSeen(ctx context.Context, ids []string) (map[string]time.Time, error) {
	out := make(map[string]time.Time, len(ids))
	err := s.withConn(ctx, "read posts seen", func(c dbtx) error { return readSeen(ctx, c, ids, out) })
	return out, err
}

func readSeen(ctx context.Context, c dbtx, ids []string, out map[string]time.Time) error {
	rows, err := c.Query(ctx, `SELECT post_id, first_seen FROM posts_seen WHERE $1::text[] IS NULL OR post_id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	var id string
	var first int64
	_, err = pgx.ForEachRow(rows, []any{&id, &first}, func() error { out[id] = codec.Time(first); return nil })
	return err
}
