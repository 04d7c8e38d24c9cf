package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
	"github.com/heraldhq/herald/internal/subscriber"
)

// transition runs update (whose last argument is the id) and returns the
// subscriber afterwards; an update that matches nothing is not an error,
// a missing subscriber is store.ErrNotFound.
func (s *Store) transition(ctx context.Context, step string, id int64, update string, args ...any) (subscriber.Subscriber, error) {
	var sub subscriber.Subscriber
	err := s.inTx(ctx, fmt.Sprintf("%s subscriber %d", step, id), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, update, append(args, id)...); err != nil {
			return err
		}
		var err error
		sub, err = getSubscriber(ctx, tx, "id = $1", id)
		return err
	})
	return sub, err
}

// Confirm makes a pending subscriber active; see store.Store.
func (s *Store) Confirm(ctx context.Context, id int64, now time.Time) (subscriber.Subscriber, error) {
	return s.transition(ctx, "confirm", id, `UPDATE subscribers SET status = 'active', confirmed_at = $1, updated_at = $2
		WHERE status = 'pending' AND id = $3`, codec.Nanos(now), codec.Nanos(now))
}

// Unsubscribe makes the subscriber unsubscribed (from any other status);
// an unsubscribed subscriber keeps their first UnsubscribedAt.
func (s *Store) Unsubscribe(ctx context.Context, id int64, now time.Time) (subscriber.Subscriber, error) {
	return s.transition(ctx, "unsubscribe", id, `UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = $1, updated_at = $2
		WHERE status <> 'unsubscribed' AND id = $3`, codec.Nanos(now), codec.Nanos(now))
}

// Resubscribe turns an unsubscribed or bounced subscriber into pending and
// resets Bounces; pending and active ones are returned unchanged.
func (s *Store) Resubscribe(ctx context.Context, id int64, now time.Time) (subscriber.Subscriber, error) {
	return s.transition(ctx, "resubscribe", id, `UPDATE subscribers SET status = 'pending', bounces = 0, updated_at = $1
		WHERE status IN ('unsubscribed', 'bounced') AND id = $2`, codec.Nanos(now))
}

// update runs one UPDATE of the subscriber with id (the last argument).
func (s *Store) update(ctx context.Context, step string, id int64, query string, args ...any) error {
	return s.withConn(ctx, fmt.Sprintf("%s subscriber %d", step, id), func(tx dbtx) error {
		return execOne(ctx, tx, query, append(args, id)...)
	})
}

// SetTopics replaces the subscriber's topics (nil or empty: all posts).
func (s *Store) SetTopics(ctx context.Context, id int64, topics []string, now time.Time) error {
	return s.update(ctx, "set topics of", id, `UPDATE subscribers SET topics = $1, updated_at = $2 WHERE id = $3`,
		codec.Strings(topics), codec.Nanos(now))
}

// SetName replaces the subscriber's name.
func (s *Store) SetName(ctx context.Context, id int64, name string, now time.Time) error {
	return s.update(ctx, "set name of", id, `UPDATE subscribers SET name = $1, updated_at = $2 WHERE id = $3`,
		name, codec.Nanos(now))
}

// MarkConfirmSent records that a confirmation email was sent at now.
func (s *Store) MarkConfirmSent(ctx context.Context, id int64, now time.Time) error {
	return s.update(ctx, "mark confirmation sent to", id, `UPDATE subscribers SET confirm_sent_at = $1, updated_at = $2 WHERE id = $3`,
		codec.Nanos(now), codec.Nanos(now))
}

// DeleteSubscriber removes the subscriber and their deliveries.
func (s *Store) DeleteSubscriber(ctx context.Context, id int64) error {
	return s.update(ctx, "delete", id, `DELETE FROM subscribers WHERE id = $1`)
}

// Import adds new addresses and refreshes the name and topics of known
// active or pending ones, in one transaction; see store.Store.
func (s *Store) Import(ctx context.Context, subs []subscriber.Subscriber, now time.Time) (store.ImportResult, error) {
	var res store.ImportResult
	err := s.inTx(ctx, "import subscribers", func(tx pgx.Tx) error {
		res = store.ImportResult{}
		for i := range subs {
			if err := importOne(ctx, tx, subs[i], now, &res); err != nil {
				return fmt.Errorf("row %d (%q): %w", i+1, subs[i].Email, err)
			}
		}
		return nil
	})
	return res, err
}

func importOne(ctx context.Context, tx pgx.Tx, in subscriber.Subscriber, now time.Time, res *store.ImportResult) error {
	if in.Source == "" {
		in.Source = subscriber.SourceImport
	}
	if err := codec.PrepareNew(&in, now); err != nil {
		return err
	}
	known, err := getSubscriber(ctx, tx, "email_key = $1", in.EmailKey)
	if errors.Is(err, store.ErrNotFound) {
		res.Added++
		_, err = insertSubscriber(ctx, tx, &in)
		return err
	}
	if err != nil || !subscriber.Merge(&known, in) {
		res.Unchanged++
		return err
	}
	res.Updated++
	_, err = tx.Exec(ctx, `UPDATE subscribers SET name = $1, topics = $2, updated_at = $3 WHERE id = $4`,
		known.Name, codec.Strings(known.Topics), codec.Nanos(now), known.ID)
	return err
}
