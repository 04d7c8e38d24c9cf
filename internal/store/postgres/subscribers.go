package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
	"github.com/heraldhq/herald/internal/subscriber"
)

const subscriberColumns = `id, email, email_key, name, status, topics, source, created_at, updated_at,
	confirm_sent_at, confirmed_at, unsubscribed_at, bounced_at, bounces, token_key, legacy_tokens`

func scanSubscriber(row pgx.Row) (subscriber.Subscriber, error) {
	var s subscriber.Subscriber
	var status, source, topics string
	var t [6]int64
	err := row.Scan(&s.ID, &s.Email, &s.EmailKey, &s.Name, &status, &topics, &source,
		&t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &s.Bounces, &s.TokenKey, &s.LegacyTokens)
	if err != nil {
		return s, notFound(err)
	}
	s.Status, s.Source = subscriber.Status(status), subscriber.Source(source)
	s.CreatedAt, s.UpdatedAt, s.ConfirmSentAt = codec.Time(t[0]), codec.Time(t[1]), codec.Time(t[2])
	s.ConfirmedAt, s.UnsubscribedAt, s.BouncedAt = codec.Time(t[3]), codec.Time(t[4]), codec.Time(t[5])
	s.Topics, err = codec.ParseStrings(topics)
	return s, err
}

func getSubscriber(ctx context.Context, tx dbtx, where string, arg any) (subscriber.Subscriber, error) {
	return scanSubscriber(tx.QueryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE `+where, arg))
}

// insertSubscriber inserts s unless its email_key exists; it reports
// whether a row was added and sets s.ID when so.
func insertSubscriber(ctx context.Context, tx pgx.Tx, s *subscriber.Subscriber) (bool, error) {
	err := tx.QueryRow(ctx, `INSERT INTO subscribers (email, email_key, name, status, topics, source,
		created_at, updated_at, confirm_sent_at, confirmed_at, unsubscribed_at, bounced_at, bounces, token_key, legacy_tokens)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (email_key) DO NOTHING RETURNING id`,
		s.Email, s.EmailKey, s.Name, string(s.Status), codec.Strings(s.Topics), string(s.Source),
		codec.Nanos(s.CreatedAt), codec.Nanos(s.UpdatedAt), codec.Nanos(s.ConfirmSentAt),
		codec.Nanos(s.ConfirmedAt), codec.Nanos(s.UnsubscribedAt), codec.Nanos(s.BouncedAt), s.Bounces, s.TokenKey, s.LegacyTokens).Scan(&s.ID)
	if err = notFound(err); err == store.ErrNotFound {
		return false, nil
	}
	return err == nil, err
}

// CreateSubscriber inserts s unless its EmailKey is known; see store.Store.
func (s *Store) CreateSubscriber(ctx context.Context, sub *subscriber.Subscriber, now time.Time) (bool, error) {
	fresh := *sub
	if err := codec.PrepareNew(&fresh, now); err != nil {
		return false, err
	}
	var created bool
	err := s.inTx(ctx, "create subscriber", func(tx pgx.Tx) error {
		var err error
		if created, err = insertSubscriber(ctx, tx, &fresh); err != nil || created {
			return err
		}
		fresh, err = getSubscriber(ctx, tx, "email_key = $1", fresh.EmailKey)
		return err
	})
	if err == nil {
		*sub = fresh
	}
	return created, err
}

// Subscriber returns the subscriber with id, or store.ErrNotFound.
func (s *Store) Subscriber(ctx context.Context, id int64) (subscriber.Subscriber, error) {
	var sub subscriber.Subscriber
	err := s.withConn(ctx, fmt.Sprintf("get subscriber %d", id), func(tx dbtx) (err error) {
		sub, err = getSubscriber(ctx, tx, "id = $1", id)
		return err
	})
	return sub, err
}

// SubscriberByEmail returns the subscriber whose EmailKey is emailKey, or
// store.ErrNotFound.
func (s *Store) SubscriberByEmail(ctx context.Context, emailKey string) (subscriber.Subscriber, error) {
	var sub subscriber.Subscriber
	err := s.withConn(ctx, "get subscriber by email", func(tx dbtx) (err error) {
		sub, err = getSubscriber(ctx, tx, "email_key = $1", emailKey)
		return err
	})
	return sub, err
}

// ListSubscribers returns the subscribers selected by f, by ascending ID.
func (s *Store) ListSubscribers(ctx context.Context, f store.ListFilter) ([]subscriber.Subscriber, error) {
	limit := int64(f.Limit)
	if limit <= 0 {
		limit = -1
	}
	var list []subscriber.Subscriber
	err := s.withConn(ctx, "list subscribers", func(tx dbtx) error {
		rows, err := tx.Query(ctx, `SELECT `+subscriberColumns+` FROM subscribers
			WHERE id > $1 AND ($2 = '' OR status = $2) ORDER BY id LIMIT CASE WHEN $3 > 0 THEN $3 END`,
			f.AfterID, string(f.Status), limit)
		if err != nil {
			return err
		}
		list, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (subscriber.Subscriber, error) { return scanSubscriber(r) })
		return err
	})
	return list, err
}

// CountSubscribers returns how many subscribers have each status; statuses
// nobody has are absent.
func (s *Store) CountSubscribers(ctx context.Context) (map[subscriber.Status]int, error) {
	counts := map[subscriber.Status]int{}
	err := s.withConn(ctx, "count subscribers", func(tx dbtx) error {
		return countBy(ctx, tx, `SELECT status, count(*) FROM subscribers GROUP BY status`, func(k string, n int) {
			counts[subscriber.Status(k)] = n
		})
	})
	return counts, err
}

// countBy runs a "SELECT key, count(*) ... GROUP BY key" query and hands
// each row to add.
func countBy(ctx context.Context, tx dbtx, query string, add func(string, int), args ...any) error {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	var k string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&k, &n}, func() error { add(k, n); return nil })
	return err
}
