package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
)

const mailColumns = `id, subscriber_id, kind, attempts, last_error, next_attempt_at, created_at`

func scanMail(row pgx.Row) (store.QueuedMail, error) {
	var m store.QueuedMail
	var next, created int64
	err := row.Scan(&m.ID, &m.SubscriberID, &m.Kind, &m.Attempts, &m.LastError, &next, &created)
	m.NextAttemptAt, m.CreatedAt = codec.Time(next), codec.Time(created)
	return m, err
}

func collectMails(rows pgx.Rows) ([]store.QueuedMail, error) {
	defer rows.Close()
	var out []store.QueuedMail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b store.QueuedMail) int { return cmp.Compare(a.ID, b.ID) })
	return out, rows.Err()
}

// EnqueueMail records an email owed to a subscriber; see store.Store.
func (s *Store) EnqueueMail(ctx context.Context, subscriberID int64, kind string, now time.Time) error {
	return s.withConn(ctx, "enqueue "+kind+" email", func(c dbtx) error {
		_, err := c.Exec(ctx, `INSERT INTO mail_queue (subscriber_id, kind, next_attempt_at, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (subscriber_id, kind) DO NOTHING`,
			subscriberID, kind, codec.Nanos(now), codec.Nanos(now))
		return err
	})
}

// ClaimMails takes the due emails, skipping rows another instance holds.
func (s *Store) ClaimMails(ctx context.Context, limit int, lease time.Duration, now time.Time) ([]store.QueuedMail, error) {
	var out []store.QueuedMail
	err := s.withConn(ctx, "claim queued emails", func(c dbtx) error {
		rows, err := c.Query(ctx, `UPDATE mail_queue SET attempts = attempts + 1, next_attempt_at = $1
			WHERE id IN (SELECT id FROM mail_queue WHERE next_attempt_at <= $2 ORDER BY next_attempt_at, id
				LIMIT $3 FOR UPDATE SKIP LOCKED)
			RETURNING `+mailColumns, codec.Nanos(now.Add(lease)), codec.Nanos(now), limit)
		if err != nil {
			return err
		}
		out, err = collectMails(rows)
		return err
	})
	return out, err
}

// MailDone removes an email from the queue.
func (s *Store) MailDone(ctx context.Context, id int64) error {
	return s.withConn(ctx, fmt.Sprintf("remove queued email %d", id), func(c dbtx) error {
		return execOne(ctx, c, `DELETE FROM mail_queue WHERE id = $1`, id)
	})
}

// MailRetry schedules another attempt.
func (s *Store) MailRetry(ctx context.Context, id int64, errMsg string, retryAt time.Time) error {
	return s.withConn(ctx, fmt.Sprintf("retry queued email %d", id), func(c dbtx) error {
		return execOne(ctx, c, `UPDATE mail_queue SET last_error = $1, next_attempt_at = $2 WHERE id = $3`,
			errMsg, codec.Nanos(retryAt), id)
	})
}

// QueuedMails lists the queue, oldest first.
func (s *Store) QueuedMails(ctx context.Context) ([]store.QueuedMail, error) {
	var out []store.QueuedMail
	err := s.withConn(ctx, "list queued emails", func(c dbtx) error {
		rows, err := c.Query(ctx, `SELECT `+mailColumns+` FROM mail_queue ORDER BY id`)
		if err != nil {
			return err
		}
		out, err = collectMails(rows)
		return err
	})
	return out, err
}

// MailQueueStats counts the queue; see store.Store.
func (s *Store) MailQueueStats(ctx context.Context) (store.MailQueueStats, error) {
	var st store.MailQueueStats
	var oldest *int64
	err := s.withConn(ctx, "count queued emails", func(c dbtx) error {
		return c.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE last_error <> ''), min(created_at)
			FROM mail_queue`).Scan(&st.Queued, &st.Failing, &oldest)
	})
	if err == nil && oldest != nil {
		st.Oldest = codec.Time(*oldest)
	}
	return st, err
}
