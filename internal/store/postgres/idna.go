package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// convertDomains rewrites, once, the addresses stored before domains were
// kept in ASCII (IDNA); see the SQLite store's. Only rows whose key has a
// non-ASCII character are read.
func (s *Store) convertDomains(ctx context.Context) error {
	if _, err := s.Setting(ctx, codec.IDNASetting); err == nil {
		return nil
	}
	return s.inTx(ctx, "convert email domains to ASCII", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, email, email_key FROM subscribers WHERE email_key ~ '[^\x01-\x7f]'`)
		if err != nil {
			return err
		}
		type change struct {
			id         int64
			email, key string
		}
		var changes []change
		for rows.Next() {
			var c change
			var key string
			if err := rows.Scan(&c.id, &c.email, &key); err != nil {
				rows.Close()
				return err
			}
			if email, k, ok := codec.Rekey(c.email, key); ok {
				changes = append(changes, change{c.id, email, k})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range changes {
			if _, err := tx.Exec(ctx, `UPDATE subscribers SET email = $1, email_key = $2 WHERE id = $3
				AND NOT EXISTS (SELECT 1 FROM subscribers WHERE email_key = $2)`, c.email, c.key, c.id); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, '1') ON CONFLICT (key) DO NOTHING`, codec.IDNASetting)
		return err
	})
}
