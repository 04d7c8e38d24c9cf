package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// Setting returns the value of key, or store.ErrNotFound when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var value string
	err := s.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("get setting %q: %w", key, err)
	}
	return value, nil
}

// SetSettingIfAbsent stores value unless key is set and returns the value
// in force afterwards.
func (s *Store) SetSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	var stored string
	err := s.inTx(ctx, fmt.Sprintf("set setting %q", key), func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&stored)
	})
	return stored, err
}

const issueColumns = `id, key, scheduled_at, status, reason, since, until, post_ids, created_at, completed_at`

func scanIssue(row scanner) (store.Issue, error) {
	var is store.Issue
	var postIDs string
	var t [5]int64
	err := row.Scan(&is.ID, &is.Key, &t[0], &is.Status, &is.Reason, &t[1], &t[2], &postIDs, &t[3], &t[4])
	if errors.Is(err, sql.ErrNoRows) {
		return is, store.ErrNotFound
	}
	if err != nil {
		return is, err
	}
	is.ScheduledAt, is.Since, is.Until = codec.Time(t[0]), codec.Time(t[1]), codec.Time(t[2])
	is.CreatedAt, is.CompletedAt = codec.Time(t[3]), codec.Time(t[4])
	is.PostIDs, err = codec.ParseStrings(postIDs)
	return is, err
}

// CreateIssue inserts is unless its Key exists; see store.Store.
func (s *Store) CreateIssue(ctx context.Context, is *store.Issue, now time.Time) (bool, error) {
	fresh := *is
	if err := codec.PrepareIssue(&fresh, now); err != nil {
		return false, err
	}
	var created bool
	err := s.inTx(ctx, fmt.Sprintf("create issue %q", fresh.Key), func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO issues (key, scheduled_at, status, reason, since, until, post_ids, created_at, completed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			fresh.Key, codec.Nanos(fresh.ScheduledAt), fresh.Status, fresh.Reason, codec.Nanos(fresh.Since),
			codec.Nanos(fresh.Until), codec.Strings(fresh.PostIDs), codec.Nanos(fresh.CreatedAt), codec.Nanos(fresh.CompletedAt))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			created = true
			fresh.ID, err = res.LastInsertId()
			return err
		}
		fresh, err = scanIssue(tx.QueryRowContext(ctx, `SELECT `+issueColumns+` FROM issues WHERE key = ?`, fresh.Key))
		return err
	})
	if err == nil {
		*is = fresh
	}
	return created, err
}

// Issue returns the issue with id, or store.ErrNotFound.
func (s *Store) Issue(ctx context.Context, id int64) (store.Issue, error) {
	is, err := scanIssue(s.read.QueryRowContext(ctx, `SELECT `+issueColumns+` FROM issues WHERE id = ?`, id))
	if err != nil {
		return is, fmt.Errorf("get issue %d: %w", id, err)
	}
	return is, nil
}

// NextIssueID is one past the largest issue id: an INTEGER PRIMARY KEY
// without AUTOINCREMENT gets max(rowid)+1.
func (s *Store) NextIssueID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM issues`).Scan(&id); err != nil {
		return 0, fmt.Errorf("next issue id: %w", err)
	}
	return id, nil
}

// LastIssue returns the latest scheduled issue with one of statuses (any
// when none given), or store.ErrNotFound.
func (s *Store) LastIssue(ctx context.Context, statuses ...store.IssueStatus) (store.Issue, error) {
	query, args := `SELECT `+issueColumns+` FROM issues`, []any{}
	if len(statuses) > 0 {
		query += ` WHERE status IN (?` + strings.Repeat(", ?", len(statuses)-1) + `)`
		for _, st := range statuses {
			args = append(args, st)
		}
	}
	is, err := scanIssue(s.read.QueryRowContext(ctx, query+` ORDER BY scheduled_at DESC, id DESC LIMIT 1`, args...))
	if err != nil {
		return is, fmt.Errorf("get last issue %v: %w", statuses, err)
	}
	return is, nil
}

// ListIssues returns up to limit issues (all when limit <= 0), latest
// scheduled first.
func (s *Store) ListIssues(ctx context.Context, limit int) ([]store.Issue, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+issueColumns+` FROM issues ORDER BY scheduled_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list issues: %w", err)
	}
	list, err := collect(rows, scanIssue)
	if err != nil {
		return nil, fmt.Errorf("list issues: %w", err)
	}
	return list, nil
}

// SetIssueStatus records the issue's status and reason; sent and skipped
// set CompletedAt to now, sending clears it.
func (s *Store) SetIssueStatus(ctx context.Context, id int64, status store.IssueStatus, reason string, now time.Time) error {
	completed, err := codec.IssueCompletion(status, now)
	if err != nil {
		return fmt.Errorf("set status of issue %d: %w", id, err)
	}
	return s.inTx(ctx, fmt.Sprintf("set status of issue %d", id), func(tx *sql.Tx) error {
		return s.execOne(ctx, tx, `UPDATE issues SET status = ?, reason = ?, completed_at = ? WHERE id = ?`,
			status, reason, completed, id)
	})
}
