package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
)

const mailColumns = `id, subscriber_id, kind, attempts, last_error, next_attempt_at, created_at`

func scanMail(row scanner) (store.QueuedMail, error) {
	var m store.QueuedMail
	var next, created int64
	err := row.Scan(&m.ID, &m.SubscriberID, &m.Kind, &m.Attempts, &m.LastError, &next, &created)
	m.NextAttemptAt, m.CreatedAt = codec.Time(next), codec.Time(created)
	return m, err
}

// EnqueueMail records an email owed to a subscriber; see store.Store.
func (s *Store) EnqueueMail(ctx context.Context, subscriberID int64, kind string, now time.Time) error {
	return s.inTx(ctx, "enqueue "+kind+" email", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mail_queue (subscriber_id, kind, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (subscriber_id, kind) DO NOTHING`,
			subscriberID, kind, codec.Nanos(now), codec.Nanos(now))
		return err
	})
}

// ClaimMails takes the due emails; see store.Store.
func (s *Store) ClaimMails(ctx context.Context, limit int, lease time.Duration, now time.Time) ([]store.QueuedMail, error) {
	var out []store.QueuedMail
	err := s.inTx(ctx, "claim queued emails", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE mail_queue SET attempts = attempts + 1, next_attempt_at = ?
			WHERE id IN (SELECT id FROM mail_queue WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?)
			RETURNING `+mailColumns, codec.Nanos(now.Add(lease)), codec.Nanos(now), limit)
		if err != nil {
			return err
		}
		out, err = collect(rows, scanMail)
		return err
	})
	slices.SortFunc(out, func(a, b store.QueuedMail) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

// MailDone removes an email from the queue.
func (s *Store) MailDone(ctx context.Context, id int64) error {
	return s.inTx(ctx, fmt.Sprintf("remove queued email %d", id), func(tx *sql.Tx) error {
		return s.execOne(ctx, tx, `DELETE FROM mail_queue WHERE id = ?`, id)
	})
}

// MailRetry schedules another attempt.
func (s *Store) MailRetry(ctx context.Context, id int64, errMsg string, retryAt time.Time) error {
	return s.inTx(ctx, fmt.Sprintf("retry queued email %d", id), func(tx *sql.Tx) error {
		return s.execOne(ctx, tx, `UPDATE mail_queue SET last_error = ?, next_attempt_at = ? WHERE id = ?`,
			errMsg, codec.Nanos(retryAt), id)
	})
}

// QueuedMails lists the queue, oldest first.
func (s *Store) QueuedMails(ctx context.Context) ([]store.QueuedMail, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+mailColumns+` FROM mail_queue ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list queued emails: %w", err)
	}
	list, err := collect(rows, scanMail)
	if err != nil {
		return nil, fmt.Errorf("list queued emails: %w", err)
	}
	return list, nil
}

// MailQueueStats counts the queue; see store.Store.
func (s *Store) MailQueueStats(ctx context.Context) (store.MailQueueStats, error) {
	var st store.MailQueueStats
	var oldest sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE last_error <> ''), min(created_at)
		FROM mail_queue`).Scan(&st.Queued, &st.Failing, &oldest)
	if err != nil {
		return st, fmt.Errorf("count queued emails: %w", err)
	}
	if oldest.Valid {
		st.Oldest = codec.Time(oldest.Int64)
	}
	return st, nil
}
