package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/heraldhq/herald/internal/store/internal/migrations"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration = migrations.Migration

func loadMigrations(fsys fs.FS) ([]migration, error) { return migrations.Load(fsys) }

// migrate applies every migration not yet recorded, all in one transaction.
func (s *Store) migrate(ctx context.Context) error {
	list, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "migrate sqlite schema", func(tx *sql.Tx) error {
		return applyMigrations(ctx, tx, list)
	})
}

func applyMigrations(ctx context.Context, tx *sql.Tx, list []migration) error {
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range list {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
			return fmt.Errorf("check migration %s: %w", m.Name, err)
		}
		if n > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("apply migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
			return fmt.Errorf("record migration %s: %w", m.Name, err)
		}
	}
	return nil
}
