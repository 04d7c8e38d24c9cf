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

// migrate applies every migration not yet recorded, all in one
// transaction. Foreign keys are off meanwhile, so that a migration may
// rebuild a table others refer to (SQLite's way to change a table), and
// checked before the commit.
func (s *Store) migrate(ctx context.Context) error {
	list, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	if _, err := s.write.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil { // the one write connection
		return fmt.Errorf("migrate sqlite schema: %w", err)
	}
	err = s.inTx(ctx, "migrate sqlite schema", func(tx *sql.Tx) error {
		if err := applyMigrations(ctx, tx, list); err != nil {
			return err
		}
		return checkForeignKeys(ctx, tx)
	})
	if _, fkErr := s.write.ExecContext(ctx, `PRAGMA foreign_keys = ON`); err == nil && fkErr != nil {
		err = fmt.Errorf("migrate sqlite schema: %w", fkErr)
	}
	return err
}

// checkForeignKeys fails when a row refers to a missing one.
func checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("check foreign keys: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fkid int
		rows.Scan(&table, &rowid, &parent, &fkid)
		return fmt.Errorf("check foreign keys: row %d of %s refers to a missing %s row", rowid.Int64, table, parent)
	}
	return rows.Err()
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
