package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/heraldhq/herald/internal/app"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/storeopen"
	"github.com/heraldhq/herald/internal/subscriber"
)

var migrateCommand = command{
	name:    "migrate-store",
	summary: "copy subscribers, issues and settings into another database",
	about: `Copies everything herald keeps in its configured store into another one, typically from
the embedded SQLite file to PostgreSQL when moving to several instances: every subscriber with
their status, topics and dates, the history of issues (so nothing already mailed is mailed
again), the newsletter's baseline and the link-signing secret (so links in emails already sent
keep working). Delivery ledgers of past issues are not copied. Stop herald serve first; run it
again safely, known addresses are kept as they are. Then point [store] at the new database.`,
	run: runMigrate,
}

// migratedSettings are the settings copied besides the signing secret: the
// baseline, and the install id (the random part of Message-IDs, so that a
// copy resent from the new store has the id it had).
var migratedSettings = []string{"newsletter.baseline", store.InstallIDKey}

func runMigrate(ctx context.Context, c *command, args []string, e env) error {
	fs := newFlagSet(c, e)
	cfgPath := fs.String("config", "", "config `file` whose store is the source (default $HERALD_CONFIG or herald.toml)")
	driver := fs.String("to-driver", "postgres", "`driver` of the target store: postgres or sqlite")
	dsn := fs.String("to-dsn", "", "target database: a postgres:// URL or a SQLite file `path` (required)")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if *dsn == "" {
		return fmt.Errorf("%w: -to-dsn is required", errUsage)
	}
	cfg, err := loadConfig(*cfgPath, e)
	if err != nil {
		return err
	}
	src, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open source store: %w", err)
	}
	defer src.Close()
	dst, err := storeopen.Open(ctx, *driver, *dsn)
	if err != nil {
		return fmt.Errorf("open target store: %w", err)
	}
	defer dst.Close()
	m := migration{src: src, dst: dst, now: time.Now()}
	if err := m.run(ctx, app.SecretFile(cfg)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Copied %s (%d added, %d already there), %s and %s to the %s store.\n"+
		"Now set [store] driver = %q and the dsn in %s, then start herald serve.\n",
		count(m.subs, "subscriber"), m.added, m.subs-m.added, count(m.issues, "issue"), count(m.settings, "setting"),
		*driver, *driver, cfg.File)
	return nil
}

type migration struct {
	src, dst                      store.Store
	now                           time.Time
	subs, added, issues, settings int
}

func (m *migration) run(ctx context.Context, secretPath string) error {
	if err := m.copySubscribers(ctx); err != nil {
		return err
	}
	if err := m.copyIssues(ctx); err != nil {
		return err
	}
	return m.copySettings(ctx, secretPath)
}

func (m *migration) copySubscribers(ctx context.Context) error {
	var all []subscriber.Subscriber
	next := pages(ctx, m.src, store.ListFilter{})
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
	res, err := m.dst.Import(ctx, all, m.now)
	if err != nil {
		return fmt.Errorf("write subscribers (nothing was written): %w", err)
	}
	m.subs, m.added = len(all), res.Added
	return nil
}

// copyIssues copies the issue history oldest first; an issue still
// sending is copied as it is, without its deliveries.
func (m *migration) copyIssues(ctx context.Context) error {
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
		m.issues++
		// CreateIssue stamps a finished issue completed when created.
		if !completed.IsZero() && !completed.Equal(is.CompletedAt) {
			if err := m.dst.SetIssueStatus(ctx, is.ID, is.Status, is.Reason, completed); err != nil {
				return fmt.Errorf("write completion of issue %q: %w", is.Key, err)
			}
		}
	}
	return nil
}

// copySettings copies the baseline, and the signing secret from the
// source database or, for SQLite, from the data folder's secret file.
func (m *migration) copySettings(ctx context.Context, secretPath string) error {
	for _, key := range append([]string{store.SecretKey}, migratedSettings...) {
		v, err := m.src.Setting(ctx, key)
		if errors.Is(err, store.ErrNotFound) && key == store.SecretKey {
			v, err = fileSecretSetting(secretPath)
		}
		if errors.Is(err, store.ErrNotFound) {
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
		m.settings++
	}
	return nil
}

func fileSecretSetting(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", store.ErrNotFound
	}
	if err != nil {
		return "", err
	}
	return subscriber.EncodeSecret(b), nil
}
