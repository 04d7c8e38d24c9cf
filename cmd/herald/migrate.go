package main

import (
	"context"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/app"
	"github.com/heraldhq/herald/internal/plural"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/storeopen"
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
// baseline, when first sightings of posts began, and the install id (the random part of Message-IDs, so that a
// copy resent from the new store has the id it had).
var migratedSettings = []string{"newsletter.baseline", "newsletter.first_seen_since", store.InstallIDKey}

func runMigrate(ctx context.Context, c *command, args []string, e env) error {
	fs := newCmdFlags(c, e)
	fs.Lookup("config").Usage = "config `file` whose store is the source (default $HERALD_CONFIG or herald.toml)"
	driver := fs.String("to-driver", "postgres", "`driver` of the target store: postgres or sqlite")
	dsn := fs.String("to-dsn", "", "target database: a postgres:// URL or a SQLite file `path` (required)")
	cfg, err := fs.load(args, func() error {
		if *dsn == "" {
			return fmt.Errorf("%w: -to-dsn is required", errUsage)
		}
		return nil
	})
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
	secretPath := app.SecretFile(cfg)
	r, err := store.Copy(ctx, dst, src, store.CopyOptions{Settings: migratedSettings, Now: time.Now(),
		Secret: func() (string, error) { return store.ReadSecretFile(secretPath) }})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Copied %s (%d added, %d already there), %s and %s to the %s store.\n"+
		"Now set [store] driver = %q and the dsn in %s, then start herald serve.\n",
		plural.Count(r.Subscribers, "subscriber"), r.Added, r.Subscribers-r.Added, plural.Count(r.Issues, "issue"), plural.Count(r.Settings, "setting"),
		*driver, *driver, cfg.File)
	return nil
}
