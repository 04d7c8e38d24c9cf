package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/subscriber"
)

// CopyResult counts what Copy did.
type CopyResult struct {
	Subscribers int // read from the source
	Added       int // of them, new in the target (known addresses are kept as they are)
	Issues      int // issues added to the target
	Settings    int // settings copied
	PostsSeen   int // first sightings of posts copied
}

// CopyOptions say what Copy copies besides subscribers and issues.
type CopyOptions struct {
	// Settings are the keys copied besides SecretKey.
	Settings []string
	// Secret, when set, gives the signing secret as EnsureSecret stores it
	// when the source has none (SQLite keeps it in a file); ErrNotFound
	// when there is none either.
	Secret func() (string, error)
	Now    time.Time
}

// Copy copies what herald keeps from src into dst: every subscriber (by
// Import, so known addresses keep their state), the history of issues
// oldest first (an issue still sending without its deliveries: ledgers are
// not copied), the signing secret and opts.Settings. Running it again adds
// only what is missing. A setting dst already holds with another value is
// an error: links, the baseline or the Message-IDs would change.
func Copy(ctx context.Context, dst, src Store, opts CopyOptions) (CopyResult, error) {
	m := copier{src: src, dst: dst, opts: opts}
	if err := m.copySubscribers(ctx); err != nil {
		return m.res, err
	}
	if err := m.copyIssues(ctx); err != nil {
		return m.res, err
	}
	if err := m.copyPostsSeen(ctx); err != nil {
		return m.res, err
	}
	return m.res, m.copySettings(ctx)
}

type copier struct {
	src, dst Store
	opts     CopyOptions
	res      CopyResult
}

func (m *copier) copySubscribers(ctx context.Context) error {
	var all []subscriber.Subscriber
	next := Pages(ctx, m.src, ListFilter{})
	for {
		batch, err := next()
		if err != nil {
			return fmt.Errorf("read subscribers: %w", err)
		}
		if len(batch) == 0 {
			break
		}
		all = append(all, batch...)
	}
	res, err := m.dst.Import(ctx, all, m.opts.Now)
	if err != nil {
		return fmt.Errorf("write subscribers (nothing was written): %w", err)
	}
	m.res.Subscribers, m.res.Added = len(all), res.Added
	return nil
}

// copyIssues copies the issue history oldest first; an issue still
// sending is copied as it is, without its deliveries.
func (m *copier) copyIssues(ctx context.Context) error {
	issues, err := m.src.ListIssues(ctx, 0)
	if err != nil {
		return fmt.Errorf("read issues: %w", err)
	}
	for i := len(issues) - 1; i >= 0; i-- {
		is := issues[i]
		is.ID = 0
		completed := is.CompletedAt
		created, err := m.dst.CreateIssue(ctx, &is, is.CreatedAt)
		if err != nil {
			return fmt.Errorf("write issue %q: %w", is.Key, err)
		}
		if !created {
			continue
		}
		m.res.Issues++
		// CreateIssue stamps a finished issue completed when created.
		if !completed.IsZero() && !completed.Equal(is.CompletedAt) {
			if err := m.dst.SetIssueStatus(ctx, is.ID, is.Status, is.Reason, completed); err != nil {
				return fmt.Errorf("write completion of issue %q: %w", is.Key, err)
			}
		}
	}
	return nil
}

// copyPostsSeen copies when each post was first seen, so that the target
// mails a post added late but not mailed yet, and nothing twice.
func (m *copier) copyPostsSeen(ctx context.Context) error {
	seen, err := m.src.PostsSeen(ctx, nil)
	if err != nil {
		return fmt.Errorf("read posts seen: %w", err)
	}
	if len(seen) == 0 {
		return nil
	}
	if _, err := m.dst.SeePosts(ctx, seen); err != nil {
		return fmt.Errorf("write posts seen: %w", err)
	}
	m.res.PostsSeen = len(seen)
	return nil
}

// copySettings copies the signing secret (from the source database or
// opts.Secret) and opts.Settings.
func (m *copier) copySettings(ctx context.Context) error {
	for _, key := range append([]string{SecretKey}, m.opts.Settings...) {
		v, err := m.src.Setting(ctx, key)
		if errors.Is(err, ErrNotFound) && key == SecretKey && m.opts.Secret != nil {
			v, err = m.opts.Secret()
		}
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read setting %s: %w", key, err)
		}
		if got, err := m.dst.SetSettingIfAbsent(ctx, key, v); err != nil {
			return fmt.Errorf("write setting %s: %w", key, err)
		} else if got != v {
			return fmt.Errorf("the target already has another %s; links, the baseline or the Message-IDs would change: migrate into an empty database", key)
		}
		m.res.Settings++
	}
	return nil
}

// Pages returns a function that reads the subscribers f selects in keyset
// pages of 1,000, one page a call, until an empty page: memory stays flat
// with the list's size.
func Pages(ctx context.Context, st Store, f ListFilter) func() ([]subscriber.Subscriber, error) {
	f.Limit = 1000
	return func() ([]subscriber.Subscriber, error) {
		batch, err := st.ListSubscribers(ctx, f)
		if len(batch) > 0 {
			f.AfterID = batch[len(batch)-1].ID
		}
		return batch, err
	}
}
