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

// TestMigrateTokenKeys upgrades a database made before token keys, whose
// newest subscriber was removed: deliveries survive the table rebuild,
// every subscriber gets its own key and keeps its old links (legacy), ids
// are never reused from then on, and an old link of the removed subscriber
// matches nobody, even the subscriber given its id.
func TestMigrateTokenKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	ctx := context.Background()
	db, err := openDB(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	list, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	var before []migration
	for _, m := range list {
		if m.Version <= 3 {
			before = append(before, m)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := applyMigrations(ctx, tx, before); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO subscribers (id, email, email_key, status, created_at, updated_at) VALUES
			(1, 'a@example.com', 'a@example.com', 'active', 1, 1),
			(2, 'b@example.com', 'b@example.com', 'active', 1, 1),
			(3, 'gone@example.com', 'gone@example.com', 'pending', 1, 1)`,
		`INSERT INTO issues (id, key, scheduled_at, status, created_at) VALUES (1, 'k', 1, 'sent', 1)`,
		`INSERT INTO deliveries (issue_id, subscriber_id, email, status, message_id, next_attempt_at, updated_at) VALUES
			(1, 1, 'a@example.com', 'sent', 'm1', 1, 1), (1, 2, 'b@example.com', 'sent', 'm2', 1, 1)`,
		`DELETE FROM subscribers WHERE id = 3`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s := openAt(t, path)
	if n := countRows(t, s, `SELECT count(*) FROM deliveries`); n != 2 {
		t.Fatalf("%d deliveries after the upgrade, want the 2 from before", n)
	}
	a, b := getOrFail(t, s, 1), getOrFail(t, s, 2)
	if !a.LegacyTokens || !b.LegacyTokens || len(a.TokenKey) != 2*subscriber.TokenKeyLen || a.TokenKey == b.TokenKey {
		t.Fatalf("after the upgrade: %+v\n%+v\nwant legacy subscribers with distinct keys", a, b)
	}
	if !(subscriber.Claims{ID: 1}).Matches(a) {
		t.Error("a link from before the upgrade no longer works")
	}
	next := subscriber.Subscriber{Email: "new@example.com"}
	if _, err := s.CreateSubscriber(ctx, &next, time.Unix(2, 0)); err != nil {
		t.Fatal(err)
	}
	if (subscriber.Claims{ID: next.ID}).Matches(next) {
		t.Errorf("a keyless link for id %d acts on the subscriber created after the upgrade", next.ID)
	}
	if err := s.DeleteSubscriber(ctx, next.ID); err != nil {
		t.Fatal(err)
	}
	again := subscriber.Subscriber{Email: "again@example.com"}
	if _, err := s.CreateSubscriber(ctx, &again, time.Unix(3, 0)); err != nil {
		t.Fatal(err)
	}
	if again.ID <= next.ID {
		t.Errorf("id %d reused after its subscriber was removed (new id %d)", next.ID, again.ID)
	}
	var fk string
	if err := s.write.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != "1" {
		t.Errorf("foreign_keys %q (%v) on the write connection after migrating, want 1", fk, err)
	}
}

func getOrFail(t *testing.T, s *Store, id int64) subscriber.Subscriber {
	t.Helper()
	sub, err := s.Subscriber(context.Background(), id)
	if err != nil {
		t.Fatalf("Subscriber(%d): %v", id, err)
	}
	return sub
}

// TestMailQueueSurvivesRestart enqueues an email, closes the store as a
// crash or restart would, and finds the email waiting after reopening.
func TestMailQueueSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	ctx := context.Background()
	s := openAt(t, path)
	sub := subscriber.Subscriber{Email: "q@example.com"}
	if _, err := s.CreateSubscriber(ctx, &sub, time.Unix(1, 0)); err != nil {
		t.Fatal(err)
	}
	if err := s.EnqueueMail(ctx, sub.ID, "confirm", time.Unix(2, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimMails(ctx, 1, time.Minute, time.Unix(3, 0)); err != nil { // claimed, then the process dies
		t.Fatal(err)
	}
	s.Close()
	again := openAt(t, path)
	due, err := again.ClaimMails(ctx, 10, time.Minute, time.Unix(3, 0).Add(time.Minute))
	if err != nil || len(due) != 1 || due[0].SubscriberID != sub.ID || due[0].Attempts != 2 {
		t.Fatalf("after a restart: %+v, %v; want the confirmation claimable again, attempt 2", due, err)
	}
}

// TestConvertDomainsOnOpen stores addresses as herald did before domains
// were kept in ASCII, and reopens: a Unicode domain becomes its ASCII
// form, unless the ASCII spelling is already another subscriber (then
// both are kept for the operator to choose), and it happens once.
func TestConvertDomainsOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	ctx := context.Background()
	s := openAt(t, path)
	for _, q := range []string{
		`INSERT INTO subscribers (email, email_key, status, created_at, updated_at, token_key) VALUES
			('Jo@Bücher.example', 'jo@bücher.example', 'active', 1, 1, 'k1'),
			('ann@例え.jp', 'ann@例え.jp', 'active', 1, 1, 'k2'),
			('ann@xn--r8jz45g.jp', 'ann@xn--r8jz45g.jp', 'active', 1, 1, 'k3')`,
		`DELETE FROM settings WHERE key = 'email_domains_ascii'`,
	} {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	again := openAt(t, path)
	jo, err := again.SubscriberByEmail(ctx, "jo@xn--bcher-kva.example")
	if err != nil || jo.Email != "Jo@xn--bcher-kva.example" {
		t.Fatalf("converted subscriber: %+v, %v; want Jo@xn--bcher-kva.example", jo, err)
	}
	if n := countRows(t, again, `SELECT count(*) FROM subscribers WHERE email_key IN ('ann@例え.jp', 'ann@xn--r8jz45g.jp')`); n != 2 {
		t.Errorf("a pair stored twice before: %d rows, want both kept", n)
	}
	if n := countRows(t, again, `SELECT count(*) FROM settings WHERE key = 'email_domains_ascii'`); n != 1 {
		t.Errorf("the conversion is not recorded as done")
	}
}
