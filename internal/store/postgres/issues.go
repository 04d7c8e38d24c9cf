package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// Setting returns the value of key, or store.ErrNotFound when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var value string
	err := s.withConn(ctx, fmt.Sprintf("get setting %q", key), func(tx dbtx) error {
		return notFound(tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&value))
	})
	return value, err
}

// SetSettingIfAbsent stores value unless key is set and returns the value
// in force afterwards. Concurrent callers wait on the key's unique index,
// so all of them see the value stored first.
func (s *Store) SetSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	var stored string
	err := s.inTx(ctx, fmt.Sprintf("set setting %q", key), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&stored)
	})
	return stored, err
}

const issueColumns = `id, key, scheduled_at, status, reason, since, until, post_ids, created_at, completed_at`

func scanIssue(row pgx.Row) (store.Issue, error) {
	var is store.Issue
	var status, postIDs string
	var t [5]int64
	err := row.Scan(&is.ID, &is.Key, &t[0], &status, &is.Reason, &t[1], &t[2], &postIDs, &t[3], &t[4])
	if err != nil {
		return is, notFound(err)
	}
	is.Status = store.IssueStatus(status)
	is.ScheduledAt, is.Since, is.Until = codec.Time(t[0]), codec.Time(t[1]), codec.Time(t[2])
	is.CreatedAt, is.CompletedAt = codec.Time(t[3]), codec.Time(t[4])
	is.PostIDs, err = codec.ParseStrings(postIDs)
	return is, err
}

// CreateIssue inserts is unless its Key exists; see store.Store. The
// unique key makes concurrent creators wait for the first and load its row.
func (s *Store) CreateIssue(ctx context.Context, is *store.Issue, now time.Time) (bool, error) {
	fresh := *is
	if err := codec.PrepareIssue(&fresh, now); err != nil {
		return false, err
	}
	var created bool
	err := s.inTx(ctx, fmt.Sprintf("create issue %q", fresh.Key), func(tx pgx.Tx) error {
		err := notFound(tx.QueryRow(ctx, `INSERT INTO issues (key, scheduled_at, status, reason, since, until, post_ids, created_at, completed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING RETURNING id`,
			fresh.Key, codec.Nanos(fresh.ScheduledAt), string(fresh.Status), fresh.Reason, codec.Nanos(fresh.Since),
			codec.Nanos(fresh.Until), codec.Strings(fresh.PostIDs), codec.Nanos(fresh.CreatedAt), codec.Nanos(fresh.CompletedAt)).Scan(&fresh.ID))
		if err != store.ErrNotFound {
			created = err == nil
			return err
		}
		fresh, err = scanIssue(tx.QueryRow(ctx, `SELECT `+issueColumns+` FROM issues WHERE key = $1`, fresh.Key))
		return err
	})
	if err == nil {
		*is = fresh
	}
	return created, err
}

// Issue returns the issue with id, or store.ErrNotFound.
func (s *Store) Issue(ctx context.Context, id int64) (store.Issue, error) {
	var is store.Issue
	err := s.withConn(ctx, fmt.Sprintf("get issue %d", id), func(tx dbtx) (err error) {
		is, err = scanIssue(tx.QueryRow(ctx, `SELECT `+issueColumns+` FROM issues WHERE id = $1`, id))
		return err
	})
	return is, err
}

// NextIssueID reads the issue id sequence without taking a value from it:
// its last value plus one once it was used, else its first value.
func (s *Store) NextIssueID(ctx context.Context) (int64, error) {
	var id int64
	err := s.withConn(ctx, "next issue id", func(tx dbtx) error {
		return tx.QueryRow(ctx, `SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END
			FROM issues_id_seq`).Scan(&id)
	})
	return id, err
}

// LastIssue returns the latest scheduled issue with one of statuses (any
// when none given), or store.ErrNotFound.
func (s *Store) LastIssue(ctx context.Context, statuses ...store.IssueStatus) (store.Issue, error) {
	names := make([]string, len(statuses))
	for i, st := range statuses {
		names[i] = string(st)
	}
	var is store.Issue
	err := s.withConn(ctx, fmt.Sprintf("get last issue %v", statuses), func(tx dbtx) (err error) {
		is, err = scanIssue(tx.QueryRow(ctx, `SELECT `+issueColumns+` FROM issues
			WHERE cardinality($1::text[]) = 0 OR status = ANY($1) ORDER BY scheduled_at DESC, id DESC LIMIT 1`, names))
		return err
	})
	return is, err
}

// ListIssues returns up to limit issues (all when limit <= 0), latest
// scheduled first.
func (s *Store) ListIssues(ctx context.Context, limit int) ([]store.Issue, error) {
	var list []store.Issue
	err := s.withConn(ctx, "list issues", func(tx dbtx) error {
		rows, err := tx.Query(ctx, `SELECT `+issueColumns+` FROM issues ORDER BY scheduled_at DESC, id DESC
			LIMIT CASE WHEN $1 > 0 THEN $1 END`, int64(limit))
		if err != nil {
			return err
		}
		list, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Issue, error) { return scanIssue(r) })
		return err
	})
	return list, err
}

// SetIssueStatus records the issue's status and reason; sent and skipped
// set CompletedAt to now, sending clears it.
func (s *Store) SetIssueStatus(ctx context.Context, id int64, status store.IssueStatus, reason string, now time.Time) error {
	completed, err := codec.IssueCompletion(status, now)
	if err != nil {
		return fmt.Errorf("set status of issue %d: %w", id, err)
	}
	return s.withConn(ctx, fmt.Sprintf("set status of issue %d", id), func(tx dbtx) error {
		return execOne(ctx, tx, `UPDATE issues SET status = $1, reason = $2, completed_at = $3 WHERE id = $4`,
			string(status), reason, completed, id)
	})
}
