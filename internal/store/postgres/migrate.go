package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/heraldhq/herald/internal/store/internal/migrations"
	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration = migrations.Migration

func loadMigrations(fsys fs.FS) ([]migration, error) { return migrations.Load(fsys) }

// migrationLock is the pg_advisory_xact_lock key that serialises the
// migrations of instances starting at once ("herald" in ASCII).
const migrationLock = 0x68657261_6c64

// migrate applies every migration not yet recorded, all in one
// transaction holding the migration lock.
func (s *Store) migrate(ctx context.Context) error {
	list, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "migrate postgres schema", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
		return applyMigrations(ctx, tx, list)
	})
}

func applyMigrations(ctx context.Context, tx pgx.Tx, list []migration) error {
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range list {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil {
			return fmt.Errorf("check migration %s: %w", m.Name, err)
		}
		if n > 0 {
			continue
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("apply migration %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
			return fmt.Errorf("record migration %s: %w", m.Name, err)
		}
	}
	return nil
}
