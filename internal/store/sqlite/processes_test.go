package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/subscriber"
)

// TestTwoOpensWriteAtOnce opens one file twice (the daemon and a
// `herald subscribers add` command) and writes from both at once: the
// busy timeout and immediate transactions make writers wait, never fail.
func TestTwoOpensWriteAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	a, b := openAt(t, path), openAt(t, path)
	ctx, now := context.Background(), time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	const each = 40
	var wg sync.WaitGroup
	for n, s := range []*sqlite.Store{a, b} {
		wg.Go(func() {
			for i := range each {
				sub := subscriber.Subscriber{Email: fmt.Sprintf("p%d-%d@example.com", n, i)}
				if _, err := s.CreateSubscriber(ctx, &sub, now); err != nil {
					t.Errorf("store %d, subscriber %d: %v", n, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	counts, err := a.CountSubscribers(ctx)
	if err != nil || counts[subscriber.Pending] != 2*each {
		t.Fatalf("CountSubscribers = %v, %v; want %d pending", counts, err, 2*each)
	}
}

func openAt(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
