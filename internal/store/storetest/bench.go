package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// BenchOpener returns a new, empty store for one benchmark.
type BenchOpener func(b *testing.B) store.Store

// BenchRecipients is how many subscribers BenchClaimAndMark sends to.
const BenchRecipients = 10_000

// benchBatch is the claim size, as a sender would use.
const benchBatch = 500

// BenchClaimAndMark measures one issue's ledger work for BenchRecipients
// active subscribers: enqueue, then claim in batches and mark each
// delivery sending and sent, as the newsletter sender does.
func BenchClaimAndMark(b *testing.B, open BenchOpener) {
	benchLedger(b, open, sendIssue)
}

// BenchHandoffs is BenchClaimAndMark the way the sender marks now: one
// MarkHandoffs per delivery, carrying the previous delivery's sent mark
// with this one's sending mark.
func BenchHandoffs(b *testing.B, open BenchOpener) {
	benchLedger(b, open, handOffIssue)
}

// benchLedger imports BenchRecipients active subscribers, then times send
// over one new issue per iteration; send returns how many it marked sent.
func benchLedger(b *testing.B, open BenchOpener, send func(*testing.B, context.Context, store.Store, string) int) {
	ctx, s := context.Background(), open(b)
	subs := make([]subscriber.Subscriber, BenchRecipients)
	for i := range subs {
		subs[i] = subscriber.Subscriber{Email: fmt.Sprintf("r%d@example.com", i), Status: subscriber.Active}
	}
	if _, err := s.Import(ctx, subs, t0); err != nil {
		b.Fatalf("Import: %v", err)
	}
	subs = nil
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if sent := send(b, ctx, s, fmt.Sprint("bench-", i)); sent != BenchRecipients {
			b.Fatalf("sent %d, want %d", sent, BenchRecipients)
		}
	}
	b.ReportMetric(float64(BenchRecipients*b.N)/b.Elapsed().Seconds(), "deliveries/s")
}

// handOffIssue creates an issue and marks every delivery through
// MarkHandoffs; it returns how many were marked sent.
func handOffIssue(b *testing.B, ctx context.Context, s store.Store, key string) int {
	is := store.Issue{Key: key, ScheduledAt: t0}
	if _, err := s.CreateIssue(ctx, &is, t0); err != nil {
		b.Fatalf("CreateIssue: %v", err)
	}
	if _, err := s.EnqueueDeliveries(ctx, is.ID, msgID(is.ID), t0); err != nil {
		b.Fatalf("EnqueueDeliveries: %v", err)
	}
	sent := 0
	var last []store.Handoff
	for {
		ds, err := s.ClaimDeliveries(ctx, is.ID, "bench", benchBatch, time.Hour, t0)
		if err != nil {
			b.Fatalf("ClaimDeliveries: %v", err)
		}
		if len(ds) == 0 {
			if _, err := s.MarkHandoffs(ctx, last, nil, t0); err != nil {
				b.Fatalf("MarkHandoffs: %v", err)
			}
			return sent + len(last)
		}
		for _, d := range ds {
			next := []store.Handoff{{IssueID: is.ID, SubscriberID: d.SubscriberID, Owner: "bench"}}
			if res, err := s.MarkHandoffs(ctx, last, next, t0); err != nil || res[0] != nil {
				b.Fatalf("MarkHandoffs: %v, %v", res, err)
			}
			sent += len(last)
			last = next
		}
	}
}

// sendIssue creates an issue and walks every delivery through the ledger;
// it returns how many were marked sent.
func sendIssue(b *testing.B, ctx context.Context, s store.Store, key string) int {
	is := store.Issue{Key: key, ScheduledAt: t0}
	if _, err := s.CreateIssue(ctx, &is, t0); err != nil {
		b.Fatalf("CreateIssue: %v", err)
	}
	if _, err := s.EnqueueDeliveries(ctx, is.ID, msgID(is.ID), t0); err != nil {
		b.Fatalf("EnqueueDeliveries: %v", err)
	}
	sent := 0
	for {
		ds, err := s.ClaimDeliveries(ctx, is.ID, "bench", benchBatch, time.Hour, t0)
		if err != nil || len(ds) == 0 {
			if err != nil {
				b.Fatalf("ClaimDeliveries: %v", err)
			}
			return sent
		}
		for _, d := range ds {
			if err := markSending(ctx, s, is.ID, d.SubscriberID, "bench", t0); err != nil {
				b.Fatalf("MarkSending: %v", err)
			}
			if err := markSent(ctx, s, is.ID, d.SubscriberID, t0); err != nil {
				b.Fatalf("MarkSent: %v", err)
			}
			sent++
		}
	}
}
