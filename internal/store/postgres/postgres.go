// Package postgres is the store for several herald instances sharing one
// PostgreSQL database (through github.com/jackc/pgx/v5). PostgreSQL's own
// locks coordinate the instances: migrations run under an advisory lock,
// issues and deliveries have unique keys, and deliveries are claimed with
// SELECT ... FOR UPDATE SKIP LOCKED under a lease.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/heraldhq/herald/internal/store"
)

// PoolSize is how many connections one Store opens at most.
const PoolSize = 8

// Store is a store.Store backed by PostgreSQL. Close it when done.
type Store struct {
	pool *pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or
// key=value string; search_path may be given as a parameter) and applies
// the embedded migrations not yet recorded in schema_migrations. Several
// processes may Open the same database at once: migrations apply once.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: parse dsn: %w", err)
	}
	s := &Store{pool: newPool(cfg, PoolSize, time.Now)}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.convertDomains(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the pooled connections.
func (s *Store) Close() error {
	s.pool.close(context.Background())
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	c, err := s.pool.acquire(ctx)
	if err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	defer s.pool.release(c)
	if err := c.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// inTx runs fn in one transaction, committed when fn returns nil and
// rolled back otherwise.
func (s *Store) inTx(ctx context.Context, step string, fn func(tx pgx.Tx) error) error {
	c, err := s.pool.acquire(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	defer s.pool.release(c)
	tx, err := c.Begin(ctx)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", step, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback(context.Background())
		return fmt.Errorf("%s: %w", step, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("%s: commit: %w", step, err)
	}
	return nil
}

// dbtx is what pgx.Tx and *pgx.Conn share: helpers take it so that
// one-statement methods run without BEGIN and COMMIT round trips.
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// withConn runs fn on a pooled connection outside any transaction: for
// reads and for methods that are one statement (atomic by themselves).
func (s *Store) withConn(ctx context.Context, step string, fn func(c dbtx) error) error {
	c, err := s.pool.acquire(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	defer s.pool.release(c)
	if err := fn(c); err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	return nil
}

// execOne runs an update that must touch one row; none means ErrNotFound.
func execOne(ctx context.Context, tx dbtx, query string, args ...any) error {
	tag, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// notFound maps pgx.ErrNoRows to store.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
