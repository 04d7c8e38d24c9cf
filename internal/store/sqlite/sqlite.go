// Package sqlite is the embedded store of herald: one SQLite file (through
// the pure-Go modernc.org/sqlite driver) in WAL mode. Writes go through a
// single connection, so concurrent writers queue instead of failing with
// SQLITE_BUSY; reads use a small pool of their own.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/heraldhq/herald/internal/store"
)

// Store is a store.Store backed by one SQLite file. Close it when done.
type Store struct {
	write *sql.DB // one connection: SQLite allows one writer
	read  *sql.DB

	// stmts holds the hot ledger statements, prepared on write at Open;
	// read-only afterwards. Parsing SQL is a third of a one-row update.
	stmts map[string]*sql.Stmt
	fast  fastStmts // MarkHandoffs' usual case, on the driver (handoff_fast.go)
}

var _ store.Store = (*Store)(nil)

// Open opens (creating when missing) the database file at path and applies
// the embedded migrations not yet recorded in schema_migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open sqlite store: empty path")
	}
	write, err := openDB(path, 1)
	if err != nil {
		return nil, err
	}
	read, err := openDB(path, 4)
	if err != nil {
		write.Close()
		return nil, err
	}
	s := &Store{write: write, read: read, stmts: map[string]*sql.Stmt{}}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.convertDomains(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.prepareHot(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openDB(path string, conns int) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite database %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	return db, nil
}

// Close closes both connection pools.
func (s *Store) Close() error {
	for _, st := range s.stmts {
		st.Close()
	}
	s.fast.close()
	return errors.Join(s.write.Close(), s.read.Close())
}

func (s *Store) prepareHot(ctx context.Context) error {
	for _, query := range hotStatements() {
		st, err := s.write.PrepareContext(ctx, query)
		if err != nil {
			return fmt.Errorf("prepare ledger statements: %w", err)
		}
		s.stmts[query] = st
	}
	return nil
}

// exec runs query in tx, through its prepared statement when it has one.
func (s *Store) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st, ok := s.stmts[query]; ok {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// query is exec for a query returning rows.
func (s *Store) query(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	if st, ok := s.stmts[query]; ok {
		return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, query, args...)
}

// queryRow is exec for a query returning one row.
func (s *Store) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st, ok := s.stmts[query]; ok {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	return nil
}

// inTx runs fn in one write transaction, committed when fn returns nil and
// rolled back otherwise.
func (s *Store) inTx(ctx context.Context, step string, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", step, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return fmt.Errorf("%s: %w", step, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", step, err)
	}
	return nil
}

// execOne runs an update that must touch one row; none means ErrNotFound.
func (s *Store) execOne(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	res, err := s.exec(ctx, tx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
