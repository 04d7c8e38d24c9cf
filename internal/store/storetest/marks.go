package storetest

import (
	"context"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

// markSending moves one claimed delivery to sending through MarkHandoffs,
// the way a sender does, and returns its outcome (ErrNotClaimed,
// ErrNotActive, ErrNotFound) or the call's error.
func markSending(ctx context.Context, s store.Store, issueID, subscriberID int64, owner string, now time.Time) error {
	res, err := s.MarkHandoffs(ctx, nil, []store.Handoff{{IssueID: issueID, SubscriberID: subscriberID, Owner: owner}}, now)
	if err != nil {
		return err
	}
	return res[0]
}

// markSent marks one delivery sent through MarkHandoffs.
func markSent(ctx context.Context, s store.Store, issueID, subscriberID int64, now time.Time) error {
	_, err := s.MarkHandoffs(ctx, []store.Handoff{{IssueID: issueID, SubscriberID: subscriberID}}, nil, now)
	return err
}
