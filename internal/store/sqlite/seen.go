package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// SeePosts records the first sighting of the posts not seen yet and
// returns every given post's first-seen time.
func (s *Store) SeePosts(ctx context.Context, seen map[string]time.Time) (map[string]time.Time, error) {
	out := make(map[string]time.Time, len(seen))
	err := s.inTx(ctx, fmt.Sprintf("record %d posts seen", len(seen)), func(tx *sql.Tx) error {
		insert, err := tx.PrepareContext(ctx, `INSERT INTO posts_seen (post_id, first_seen) VALUES (?, ?)
			ON CONFLICT (post_id) DO NOTHING`)
		if err != nil {
			return err
		}
		defer insert.Close()
		read, err := tx.PrepareContext(ctx, `SELECT first_seen FROM posts_seen WHERE post_id = ?`)
		if err != nil {
			return err
		}
		defer read.Close()
		for id, at := range seen {
			if _, err := insert.ExecContext(ctx, id, codec.Nanos(at)); err != nil {
				return err
			}
			var first int64
			if err := read.QueryRowContext(ctx, id).Scan(&first); err != nil {
				return err
			}
			out[id] = codec.Time(first)
		}
		return nil
	})
	return out, err
}

// PostsSeen returns the first-seen times of the ids recorded.
func (s *Store) PostsSeen(ctx context.Context, ids []string) (map[string]time.Time, error) {
	if ids == nil {
		return s.allPostsSeen(ctx)
	}
	out := make(map[string]time.Time, len(ids))
	stmt, err := s.read.PrepareContext(ctx, `SELECT first_seen FROM posts_seen WHERE post_id = ?`)
	if err != nil {
		return nil, fmt.Errorf("read posts seen: %w", err)
	}
	defer stmt.Close()
	for _, id := range ids {
		var first int64
		switch err := stmt.QueryRowContext(ctx, id).Scan(&first); {
		case err == sql.ErrNoRows:
		case err != nil:
			return nil, fmt.Errorf("read posts seen: %w", err)
		default:
			out[id] = codec.Time(first)
		}
	}
	return out, nil
}

func (s *Store) allPostsSeen(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT post_id, first_seen FROM posts_seen`)
	if err != nil {
		return nil, fmt.Errorf("read posts seen: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var first int64
		if err := rows.Scan(&id, &first); err != nil {
			return nil, fmt.Errorf("read posts seen: %w", err)
		}
		out[id] = codec.Time(first)
	}
	return out, rows.Err()
}
