package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/app"
	"github.com/heraldhq/herald/internal/clock"
	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/lockfile"
	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/store"
)

var previewCommand = command{
	name:    "preview",
	summary: "render the next newsletter issue without sending it",
	about: `Renders the next issue (subject, HTML and text) as a subscriber would get it: the sample
reader, or the subscriber named by -email. With nothing new since the last issue, the newest post
stands in so the layout can be checked. Writes nothing to the database.`,
	run: runPreview,
}

// engine is a newsletter engine for a one-shot command.
type engine struct {
	cfg    *config.Config
	store  store.Store
	mailer heraldmail.Transport
	news   *newsletter.Newsletter
	lock   *lockfile.Lock
}

func (g *engine) close() {
	if g.mailer != nil {
		g.mailer.Close()
	}
	if g.store != nil {
		g.store.Close()
	}
	if g.lock != nil {
		g.lock.Release()
	}
}

// openEngine loads the posts and builds the newsletter. With lock, it
// takes the data folder's lock first (a SQLite send must not race serve).
func openEngine(ctx context.Context, cfg *config.Config, e env, transport heraldmail.Transport, lock bool) (_ *engine, err error) {
	g := &engine{cfg: cfg, mailer: transport}
	defer func() {
		if err != nil {
			g.close()
		}
	}()
	if lock && app.SingleInstance(cfg) {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
		if g.lock, err = lockfile.Acquire(filepath.Join(cfg.DataDir, lockfile.Name)); err != nil {
			return nil, fmt.Errorf("%w (herald serve sends the scheduled issues itself)", err)
		}
	}
	if err := cfg.CheckPostsDir(); err != nil {
		return nil, err
	}
	lib := post.NewLibrary(app.PostOptions(cfg))
	if err := lib.Load(ctx); err != nil {
		return nil, err
	}
	if g.store, err = app.OpenStore(ctx, cfg); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	signer, err := app.LoadSigner(ctx, cfg, g.store)
	if err != nil {
		return nil, err
	}
	if g.mailer == nil {
		if g.mailer, err = app.OpenTransport(cfg, app.NewLogger(cfg, e.stderr), clock.Or(e.clock)); err != nil {
			return nil, err
		}
	}
	clock := clock.Or(e.clock)
	posts := func() []*post.Post { return lib.Snapshot().Published(clock.Now()) }
	g.news, err = app.NewNewsletter(cfg, g.store, g.mailer, signer, posts, clock, app.NewLogger(cfg, e.stderr), prometheus.NewRegistry(),
		func(o *newsletter.Options) { o.GiveUp = cfg.SMTP.GiveUpAfter })
	return g, err
}

func runPreview(ctx context.Context, c *command, args []string, e env) error {
	fs := newFlagSet(c, e)
	cfgPath := fs.String("config", "", "config `file` (default $HERALD_CONFIG or herald.toml)")
	out := fs.String("o", "", "write the HTML part to `file` (the text part goes to standard output)")
	email := fs.String("email", "", "render for this subscriber (default: a sample reader)")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath, e)
	if err != nil {
		return err
	}
	g, err := openEngine(ctx, cfg, e, discard{}, false)
	if err != nil {
		return err
	}
	defer g.close()
	subject, html, text, err := g.news.Preview(ctx, *email)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Subject: %s\n\n%s", subject, text)
	if *out == "" {
		return nil
	}
	if err := os.WriteFile(*out, []byte(html), 0o644); err != nil {
		return fmt.Errorf("write preview: %w", err)
	}
	fmt.Fprintf(e.stderr, "HTML part written to %s\n", *out)
	return nil
}

// discard is the transport of commands that must not send.
// discard is the transport of commands that must not send; it builds
// (and signs, with dkim) as the real transport would, for a dry run.
type discard struct{ dkim *heraldmail.DKIM }

func (discard) Send(context.Context, *heraldmail.Message) error {
	return errors.New("this command does not send mail")
}
func (d discard) Build(m *heraldmail.Message) ([]byte, error) { return heraldmail.Build(m, d.dkim) }
func (discard) Close() error                                  { return nil }
