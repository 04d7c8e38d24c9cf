package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
	"github.com/heraldhq/herald/internal/subscriber"
)

const subscriberColumns = `id, email, email_key, name, status, topics, source, created_at, updated_at,
	confirm_sent_at, confirmed_at, unsubscribed_at, bounced_at, bounces, token_key, legacy_tokens`

type scanner interface{ Scan(dest ...any) error }

func scanSubscriber(row scanner) (subscriber.Subscriber, error) {
	var s subscriber.Subscriber
	var topics string
	var t [6]int64
	err := row.Scan(&s.ID, &s.Email, &s.EmailKey, &s.Name, &s.Status, &topics, &s.Source,
		&t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &s.Bounces, &s.TokenKey, &s.LegacyTokens)
	if errors.Is(err, sql.ErrNoRows) {
		return s, store.ErrNotFound
	}
	if err != nil {
		return s, err
	}
	s.CreatedAt, s.UpdatedAt, s.ConfirmSentAt = codec.Time(t[0]), codec.Time(t[1]), codec.Time(t[2])
	s.ConfirmedAt, s.UnsubscribedAt, s.BouncedAt = codec.Time(t[3]), codec.Time(t[4]), codec.Time(t[5])
	s.Topics, err = codec.ParseStrings(topics)
	return s, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getSubscriber(ctx context.Context, q querier, where string, arg any) (subscriber.Subscriber, error) {
	row := q.QueryRowContext(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE `+where, arg)
	return scanSubscriber(row)
}

// insertSubscriber inserts s unless its email_key exists; it reports
// whether a row was added and sets s.ID when so.
func insertSubscriber(ctx context.Context, tx *sql.Tx, s *subscriber.Subscriber) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO subscribers (email, email_key, name, status, topics, source,
		created_at, updated_at, confirm_sent_at, confirmed_at, unsubscribed_at, bounced_at, bounces, token_key, legacy_tokens)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email_key) DO NOTHING`,
		s.Email, s.EmailKey, s.Name, s.Status, codec.Strings(s.Topics), s.Source,
		codec.Nanos(s.CreatedAt), codec.Nanos(s.UpdatedAt), codec.Nanos(s.ConfirmSentAt),
		codec.Nanos(s.ConfirmedAt), codec.Nanos(s.UnsubscribedAt), codec.Nanos(s.BouncedAt), s.Bounces, s.TokenKey, s.LegacyTokens)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	s.ID, err = res.LastInsertId()
	return true, err
}

// CreateSubscriber inserts s unless its EmailKey is known; see store.Store.
func (s *Store) CreateSubscriber(ctx context.Context, sub *subscriber.Subscriber, now time.Time) (bool, error) {
	fresh := *sub
	if err := codec.PrepareNew(&fresh, now); err != nil {
		return false, err
	}
	var created bool
	err := s.inTx(ctx, "create subscriber", func(tx *sql.Tx) error {
		var err error
		if created, err = insertSubscriber(ctx, tx, &fresh); err != nil || created {
			return err
		}
		fresh, err = getSubscriber(ctx, tx, "email_key = ?", fresh.EmailKey)
		return err
	})
	if err == nil {
		*sub = fresh
	}
	return created, err
}

// Subscriber returns the subscriber with id, or store.ErrNotFound.
func (s *Store) Subscriber(ctx context.Context, id int64) (subscriber.Subscriber, error) {
	sub, err := getSubscriber(ctx, s.read, "id = ?", id)
	if err != nil {
		return sub, fmt.Errorf("get subscriber %d: %w", id, err)
	}
	return sub, nil
}

// SubscriberByEmail returns the subscriber whose EmailKey is emailKey, or
// store.ErrNotFound.
func (s *Store) SubscriberByEmail(ctx context.Context, emailKey string) (subscriber.Subscriber, error) {
	sub, err := getSubscriber(ctx, s.read, "email_key = ?", emailKey)
	if err != nil {
		return sub, fmt.Errorf("get subscriber by email: %w", err)
	}
	return sub, nil
}

// ListSubscribers returns the subscribers selected by f, by ascending ID.
func (s *Store) ListSubscribers(ctx context.Context, f store.ListFilter) ([]subscriber.Subscriber, error) {
	var where []string
	args := []any{f.AfterID}
	where = append(where, "id > ?")
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	query := `SELECT ` + subscriberColumns + ` FROM subscribers WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id`
	if f.Limit > 0 {
		query, args = query+" LIMIT ?", append(args, f.Limit)
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list subscribers: %w", err)
	}
	list, err := collect(rows, scanSubscriber)
	if err != nil {
		return nil, fmt.Errorf("list subscribers: %w", err)
	}
	return list, nil
}

// CountSubscribers returns how many subscribers have each status; statuses
// nobody has are absent.
func (s *Store) CountSubscribers(ctx context.Context) (map[subscriber.Status]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT status, count(*) FROM subscribers GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count subscribers: %w", err)
	}
	defer rows.Close()
	counts := map[subscriber.Status]int{}
	for rows.Next() {
		var st subscriber.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count subscribers: %w", err)
		}
		counts[st] = n
	}
	return counts, rows.Err()
}
