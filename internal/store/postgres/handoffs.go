package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/store"
)

// MarkHandoffs marks sent as sent and sending as sending in one
// transaction; see store.Store.
func (s *Store) MarkHandoffs(ctx context.Context, sent, sending []store.Handoff, now time.Time) ([]error, error) {
	results := make([]error, len(sending))
	err := s.inTx(ctx, fmt.Sprintf("mark %d sent and %d sending", len(sent), len(sending)), func(tx pgx.Tx) error {
		for _, h := range sent {
			if err := setDelivery(ctx, tx, h.IssueID, h.SubscriberID, setSent, now); err != nil {
				return fmt.Errorf("%s: %w", deliveryStep("mark sent", h.IssueID, h.SubscriberID), err)
			}
		}
		for i, h := range sending {
			outcome, err := markSending(ctx, tx, h, now)
			if err != nil {
				return fmt.Errorf("%s: %w", deliveryStep("mark sending", h.IssueID, h.SubscriberID), err)
			}
			results[i] = outcome
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}
