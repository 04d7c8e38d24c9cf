package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/store/storetest"
)

func openTemp(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func BenchmarkClaimAndMark(b *testing.B) {
	storetest.BenchClaimAndMark(b, func(b *testing.B) store.Store { return openTemp(b) })
}

func BenchmarkHandoffs(b *testing.B) {
	storetest.BenchHandoffs(b, func(b *testing.B) store.Store { return openTemp(b) })
}
