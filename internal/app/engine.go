package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/clock"
	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/lockfile"
	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/store"
)

// Engine is a newsletter engine for a one-shot command (send, preview):
// the posts read once, the store, the transport and, when asked, the data
// folder's lock. Close releases them.
type Engine struct {
	News   *newsletter.Newsletter
	store  store.Store
	mailer heraldmail.Transport
	lock   *lockfile.Lock
}

// Close releases what OpenEngine opened, in reverse order.
func (g *Engine) Close() {
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

// OpenEngine loads the posts and builds the newsletter on transport (nil:
// the configured one). With lock, it takes the data folder's lock first (a
// SQLite send must not race serve). clk is the time source (nil: the
// system clock); the log goes to logTo.
func OpenEngine(ctx context.Context, cfg *config.Config, transport heraldmail.Transport, lock bool,
	clk clock.Clock, logTo io.Writer) (_ *Engine, err error) {
	g := &Engine{mailer: transport}
	defer func() {
		if err != nil {
			g.Close()
		}
	}()
	if lock && SingleInstance(cfg) {
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
	lib := post.NewLibrary(PostOptions(cfg))
	if err := lib.Load(ctx); err != nil {
		return nil, err
	}
	if g.store, err = OpenStore(ctx, cfg); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	signer, err := LoadSigner(ctx, cfg, g.store)
	if err != nil {
		return nil, err
	}
	clk = clock.Or(clk)
	log := NewLogger(cfg, logTo)
	if g.mailer == nil {
		if g.mailer, err = OpenTransport(cfg, log, clk); err != nil {
			return nil, err
		}
	}
	posts := func() []*post.Post { return lib.Snapshot().Published(clk.Now()) }
	g.News, err = NewNewsletter(cfg, g.store, g.mailer, signer, posts, clk, log, prometheus.NewRegistry(),
		func(o *newsletter.Options) { o.GiveUp = cfg.SMTP.GiveUpAfter })
	return g, err
}

// Discard is the transport of commands that must not send; it builds
// (and signs, with DKIM when set) as the real transport would, for a dry
// run.
type Discard struct{ DKIM *heraldmail.DKIM }

// Send refuses: nothing leaves through Discard.
func (Discard) Send(context.Context, *heraldmail.Message) error {
	return errors.New("this command does not send mail")
}

// Build builds m as the real transport would.
func (d Discard) Build(m *heraldmail.Message) ([]byte, error) { return heraldmail.Build(m, d.DKIM) }

// Close does nothing.
func (Discard) Close() error { return nil }
