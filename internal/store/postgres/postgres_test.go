package postgres_test

import (
	"github.com/heraldhq/herald/internal/testkit"

	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/postgres"
	"github.com/heraldhq/herald/internal/store/storetest"
)

func open(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	testkit.PostgresDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, testkit.FreshSchema(t)) })
}

// TestConcurrentMigrations opens one empty schema from three goroutines at
// once: every Open succeeds and each migration is recorded once.
func TestConcurrentMigrations(t *testing.T) {
	dsn := testkit.FreshSchema(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	wantMigrations(t, open(t, dsn), dsn)
}

func TestReopenIsIdempotent(t *testing.T) {
	dsn := testkit.FreshSchema(t)
	open(t, dsn).Close()
	wantMigrations(t, open(t, dsn), dsn)
}

// wantMigrations checks that schema_migrations lists 1..n once each and
// that the store works.
func wantMigrations(t *testing.T, s *postgres.Store, dsn string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n, distinct, maxVersion int
	if err := conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT version), coalesce(max(version), 0) FROM schema_migrations`).Scan(&n, &distinct, &maxVersion); err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	if n == 0 || n != distinct || n != maxVersion {
		t.Errorf("schema_migrations has %d rows, %d versions, max %d; want each version 1..n once", n, distinct, maxVersion)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestOpenBadDSN(t *testing.T) {
	if _, err := postgres.Open(context.Background(), "postgres://%zz"); err == nil {
		t.Fatal("Open accepted a malformed DSN")
	}
}

func BenchmarkClaimAndMark(b *testing.B) {
	storetest.BenchClaimAndMark(b, func(b *testing.B) store.Store { return open(b, testkit.FreshSchema(b)) })
}

func BenchmarkHandoffs(b *testing.B) {
	storetest.BenchHandoffs(b, func(b *testing.B) store.Store { return open(b, testkit.FreshSchema(b)) })
}

// TestConvertDomainsOnOpen: see the SQLite store's test of the same name.
func TestConvertDomainsOnOpen(t *testing.T) {
	dsn := testkit.FreshSchema(t)
	ctx := context.Background()
	open(t, dsn).Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`INSERT INTO subscribers (email, email_key, status, created_at, updated_at, token_key) VALUES
			('Jo@Bücher.example', 'jo@bücher.example', 'active', 1, 1, 'k1'),
			('ann@例え.jp', 'ann@例え.jp', 'active', 1, 1, 'k2'),
			('ann@xn--r8jz45g.jp', 'ann@xn--r8jz45g.jp', 'active', 1, 1, 'k3')`,
		`DELETE FROM settings WHERE key = 'email_domains_ascii'`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, dsn)
	jo, err := s.SubscriberByEmail(ctx, "jo@xn--bcher-kva.example")
	if err != nil || jo.Email != "Jo@xn--bcher-kva.example" {
		t.Fatalf("converted subscriber: %+v, %v; want Jo@xn--bcher-kva.example", jo, err)
	}
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM subscribers WHERE email_key IN ('ann@例え.jp', 'ann@xn--r8jz45g.jp')`).Scan(&n); err != nil || n != 2 {
		t.Errorf("a pair stored twice before: %d rows (%v), want both kept", n, err)
	}
}
