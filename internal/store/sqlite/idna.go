package sqlite

import (
	"context"
	"database/sql"

	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// convertDomains rewrites, once, the addresses stored before domains were
// kept in ASCII (IDNA), so that "jo@bücher.example" from then is the same
// subscriber as "jo@xn--bcher-kva.example" from now. When both spellings
// were already stored as two subscribers, both are left as they are (the
// operator removes one).
func (s *Store) convertDomains(ctx context.Context) error {
	if _, err := s.Setting(ctx, codec.IDNASetting); err == nil {
		return nil
	}
	return s.inTx(ctx, "convert email domains to ASCII", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, email, email_key FROM subscribers`)
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
			if _, err := tx.ExecContext(ctx, `UPDATE subscribers SET email = ?, email_key = ? WHERE id = ?
				AND NOT EXISTS (SELECT 1 FROM subscribers WHERE email_key = ?)`, c.email, c.key, c.id, c.key); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING`, codec.IDNASetting)
		return err
	})
}
