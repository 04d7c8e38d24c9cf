package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/heraldhq/herald/internal/config"
	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/storeopen"
	"github.com/heraldhq/herald/internal/subscriber"
	"github.com/heraldhq/herald/internal/web"
	"github.com/heraldhq/herald/templates"
	"github.com/prometheus/client_golang/prometheus"
)

// openStore opens the configured database, applying migrations.
func openStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	if singleInstance(cfg) {
		if err := os.MkdirAll(filepath.Dir(cfg.Store.DSN), 0o750); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	return storeopen.Open(ctx, cfg.Store.Driver, cfg.Store.DSN)
}

// singleInstance reports whether this deployment can have only one herald
// sending: SQLite lives in one data folder, guarded by its lock file.
func singleInstance(cfg *config.Config) bool { return cfg.Store.Driver == "sqlite" }

// secretFile is where a generated signing secret is kept for SQLite.
func secretFile(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "secret") }

// loadSigner returns the link signer. The secret comes from the config (or
// its secret_file or HERALD_SUBSCRIBERS_SECRET); otherwise a random one is
// generated on first start: kept with mode 0600 in the data folder for
// SQLite, and in the database for PostgreSQL so that every instance shares it.
func loadSigner(ctx context.Context, cfg *config.Config, st store.Store) (*subscriber.Signer, error) {
	if cfg.Subscribers.Secret != "" {
		return subscriber.NewSigner([]byte(cfg.Subscribers.Secret))
	}
	var secret []byte
	var err error
	if singleInstance(cfg) {
		secret, err = fileSecret(secretFile(cfg))
	} else {
		secret, err = store.EnsureSecret(ctx, st, randomSecret)
	}
	if err != nil {
		return nil, err
	}
	return subscriber.NewSigner(secret)
}

func randomSecret() ([]byte, error) {
	b := make([]byte, 32)
	_, err := rand.Read(b)
	return b, err
}

// fileSecret reads the secret at path, creating it (0600) when missing.
func fileSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) < subscriber.MinSecretLen {
			return nil, fmt.Errorf("signing secret %s is %d bytes, need %d: delete it to generate a new one (links already sent stop working)", path, len(b), subscriber.MinSecretLen)
		}
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read signing secret: %w", err)
	}
	b, err = randomSecret()
	if err != nil {
		return nil, fmt.Errorf("generate signing secret: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create signing secret: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, fmt.Errorf("write signing secret: %w", err)
	}
	return b, f.Close()
}

// openTransport returns the SMTP relay, or the outbox folder when none is
// configured.
func openTransport(cfg *config.Config, log *slog.Logger) (heraldmail.Transport, error) {
	dkim, err := loadDKIM(cfg)
	if err != nil {
		return nil, err
	}
	s := cfg.SMTP
	if s.Host == "" {
		return heraldmail.NewOutbox(s.OutboxDir, heraldmail.OutboxDKIM(dkim))
	}
	return heraldmail.NewSMTP(heraldmail.SMTPConfig{
		Host: s.Host, Port: s.Port, TLS: s.TLS, Auth: s.Auth, Username: s.Username, Password: s.Password,
		HELO: s.Helo, Connections: s.Connections, Rate: s.Rate, DomainRates: s.DomainRates,
		Timeout: s.Timeout, NoPipelining: !s.Pipelining, DKIM: dkim,
	}, log)
}

// loadDKIM returns the configured DKIM signer, nil when none: one key, or
// an RSA key and an Ed25519 key signing side by side.
func loadDKIM(cfg *config.Config) (*heraldmail.DKIM, error) {
	d := cfg.DKIM
	if d.Key == nil {
		return nil, nil
	}
	signer, err := heraldmail.NewDKIM(d.Domain, d.Selector, d.Key)
	if err != nil || d.Ed25519Key == nil {
		return signer, err
	}
	return signer.WithKey(d.Ed25519Selector, d.Ed25519Key)
}

// fromAddress is the sender of every email herald writes.
func fromAddress(cfg *config.Config) mail.Address {
	from := cfg.SMTP.From
	if from == "" {
		from = "newsletter@" + hostOf(cfg.Site.BaseURL)
	}
	name := cfg.SMTP.FromName
	if name == "" {
		name = cfg.Site.Title
	}
	return mail.Address{Name: name, Address: from}
}

// hostOf is the host name of an absolute URL (config.Load checked it).
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// newSchedule builds the newsletter schedule with the declared vacations.
func newSchedule(cfg *config.Config) (*schedule.Schedule, error) {
	vs := make([]schedule.Vacation, len(cfg.Vacations))
	for i, v := range cfg.Vacations {
		vs[i] = schedule.Vacation{From: v.From, Until: v.Until, Note: v.Note}
	}
	return schedule.New(cfg.Newsletter.Schedule, cfg.Newsletter.Location, vs)
}

// linkMaker returns the personal unsubscribe and preferences URLs.
func linkMaker(cfg *config.Config, signer *subscriber.Signer) func(int64) (string, string) {
	base := cfg.Server.PublicURL
	return func(id int64) (string, string) {
		return web.UnsubscribeURL(base, signer, id), web.PreferencesURL(base, signer, id)
	}
}

// newNewsletter builds the newsletter engine from the config.
func newNewsletter(cfg *config.Config, st store.Store, tr heraldmail.Transport, signer *subscriber.Signer,
	posts func() []*post.Post, clock newsletter.Clock, log *slog.Logger, reg prometheus.Registerer) (*newsletter.Newsletter, error) {
	sched, err := newSchedule(cfg)
	if err != nil {
		return nil, err
	}
	n := cfg.Newsletter
	return newsletter.New(newsletter.Options{
		Store: st, Transport: tr, Posts: posts, Schedule: sched,
		Mode: newsletter.Mode(n.Mode), AfterVacation: newsletter.AfterVacation(n.AfterVacation), MaxLate: n.MaxLate,
		From: fromAddress(cfg), ReplyTo: cfg.SMTP.ReplyTo, ListID: listID(n.ListID), Subject: n.Subject,
		PublicURL: cfg.Server.PublicURL, Links: linkMaker(cfg, signer),
		Templates: templates.FS(cfg.TemplatesDir),
		Site:      newsletter.Site{Title: cfg.Site.Title, URL: cfg.Site.BaseURL},
		Workers:   cfg.SMTP.Connections, BounceLimit: n.BounceLimit, MaxAttempts: n.MaxAttempts,
		RetryBase: n.RetryBase, Clock: clock, Logger: log, Registerer: reg,
	})
}

// listID puts a bare list id in the angle brackets RFC 2919 requires
// ("blog.example.com" becomes "<blog.example.com>"); a value that has them,
// with or without a phrase before, is kept as written.
func listID(id string) string {
	if id == "" || strings.Contains(id, "<") {
		return id
	}
	return "<" + id + ">"
}
