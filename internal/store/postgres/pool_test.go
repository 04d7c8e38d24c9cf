package postgres

import (
	"github.com/heraldhq/herald/internal/testkit"

	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestPoolReplacesDeadConnections kills the server side of an idle
// connection: within pingAfter the pool hands it out as it is (and the
// query fails); after it, the ping catches it and a fresh one is used.
func TestPoolReplacesDeadConnections(t *testing.T) {
	dsn := testkit.PostgresDSN(t)
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parse dsn: %v", err)
	}
	clock := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	p := newPool(cfg, 1, func() time.Time { return clock })
	defer p.close(ctx)
	kill := func() {
		c, err := p.acquire(ctx)
		if err != nil {
			t.Fatalf("acquire: %v", err)
		}
		pid := c.PgConn().PID()
		p.release(c)
		admin, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer admin.Close(ctx)
		// The timeout makes it wait until the backend is gone.
		if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1, 5000)`, pid); err != nil {
			t.Fatalf("terminate backend %d: %v", pid, err)
		}
	}
	query := func() error {
		c, err := p.acquire(ctx)
		if err != nil {
			return err
		}
		defer p.release(c)
		var one int
		return c.QueryRow(ctx, `SELECT 1`).Scan(&one)
	}
	kill()
	if err := query(); err == nil {
		t.Fatal("a query on a freshly killed connection succeeded: the test cannot tell a ping from none")
	}
	kill()
	clock = clock.Add(2 * pingAfter)
	if err := query(); err != nil {
		t.Fatalf("after pingAfter, the pool handed out a dead connection: %v", err)
	}
}
