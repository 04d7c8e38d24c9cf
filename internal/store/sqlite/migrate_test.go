package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/heraldhq/herald/internal/subscriber"
)

func openAt(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func countRows(t *testing.T, s *Store, query string) int {
	t.Helper()
	var n int
	if err := s.read.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	ctx := context.Background()
	s := openAt(t, path)
	sub := subscriber.Subscriber{Email: "ada@example.com"}
	if _, err := s.CreateSubscriber(ctx, &sub, time.Unix(1, 0)); err != nil {
		t.Fatalf("CreateSubscriber: %v", err)
	}
	s.Close()
	again := openAt(t, path)
	list, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatalf("loadMigrations: %v", err)
	}
	if n := countRows(t, again, `SELECT count(*) FROM schema_migrations`); n != len(list) {
		t.Errorf("schema_migrations has %d rows after two opens, want %d", n, len(list))
	}
	if _, err := again.SubscriberByEmail(ctx, "ada@example.com"); err != nil {
		t.Errorf("subscriber lost on reopen: %v", err)
	}
	if mode := pragma(t, again, "journal_mode"); mode != "wal" {
		t.Errorf("journal_mode %q, want wal", mode)
	}
	if fk := pragma(t, again, "foreign_keys"); fk != "1" {
		t.Errorf("foreign_keys %q, want 1", fk)
	}
}

func pragma(t *testing.T, s *Store, name string) string {
	t.Helper()
	var v string
	if err := s.read.QueryRow(`PRAGMA ` + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

// TestFailedMigrationLeavesNothing applies a good and a broken migration:
// the transaction fails half way and the good one's table is not there.
func TestFailedMigrationLeavesNothing(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "herald.db"))
	ctx := context.Background()
	list, err := loadMigrations(fstest.MapFS{
		"migrations/0101_good.sql":   {Data: []byte(`CREATE TABLE extra (x INTEGER);`)},
		"migrations/0102_broken.sql": {Data: []byte(`CREATE TABLE broken (;`)},
	})
	if err != nil {
		t.Fatalf("loadMigrations: %v", err)
	}
	err = s.inTx(ctx, "migrate", func(tx *sql.Tx) error { return applyMigrations(ctx, tx, list) })
	if err == nil || !strings.Contains(err.Error(), "0102_broken.sql") {
		t.Fatalf("applying a broken migration: %v; want an error naming 0102_broken.sql", err)
	}
	if n := countRows(t, s, `SELECT count(*) FROM sqlite_master WHERE name = 'extra'`); n != 0 {
		t.Errorf("table of the good migration exists after the failed transaction")
	}
	if n := countRows(t, s, `SELECT count(*) FROM schema_migrations WHERE version > 100`); n != 0 {
		t.Errorf("%d failed migrations recorded", n)
	}
}

func TestOpenBadPath(t *testing.T) {
	for name, path := range map[string]string{
		"empty":          "",
		"missing folder": filepath.Join(t.TempDir(), "no", "such", "dir", "herald.db"),
	} {
		if s, err := Open(context.Background(), path); err == nil {
			s.Close()
			t.Errorf("%s: Open(%q) succeeded", name, path)
		}
	}
}
