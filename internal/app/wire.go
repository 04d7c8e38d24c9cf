package app

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

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/clock"
	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/feed"
	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/publish"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/storeopen"
	"github.com/heraldhq/herald/internal/subscriber"
)

// OpenStore opens the configured database, applying migrations.
func OpenStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	if SingleInstance(cfg) {
		if err := os.MkdirAll(filepath.Dir(cfg.Store.DSN), 0o750); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	return storeopen.Open(ctx, cfg.Store.Driver, cfg.Store.DSN)
}

// SingleInstance reports whether this deployment can have only one herald
// sending: SQLite lives in one data folder, guarded by its lock file.
func SingleInstance(cfg *config.Config) bool { return cfg.Store.Driver == "sqlite" }

// SecretFile is where a generated signing secret is kept for SQLite.
func SecretFile(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "secret") }

// LoadSigner returns the link signer. The secret comes from the config (or
// its secret_file or HERALD_SUBSCRIBERS_SECRET); otherwise a random one is
// generated on first start: kept with mode 0600 in the data folder for
// SQLite, and in the database for PostgreSQL so that every instance shares it.
func LoadSigner(ctx context.Context, cfg *config.Config, st store.Store) (*subscriber.Signer, error) {
	if cfg.Subscribers.Secret != "" {
		return subscriber.NewSigner([]byte(cfg.Subscribers.Secret))
	}
	var secret []byte
	var err error
	if SingleInstance(cfg) {
		secret, err = fileSecret(SecretFile(cfg))
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
		return b, subscriber.CheckSecret(b, path)
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

// OpenTransport returns the SMTP relay, or the outbox folder when none is
// configured; clk paces the relay's rates and stamps outbox files (nil:
// the system clock).
func OpenTransport(cfg *config.Config, log *slog.Logger, clk clock.Clock) (heraldmail.Transport, error) {
	dkim, err := LoadDKIM(cfg)
	if err != nil {
		return nil, err
	}
	s := cfg.SMTP
	if s.Host == "" {
		return heraldmail.NewOutbox(s.OutboxDir, heraldmail.OutboxDKIM(dkim), heraldmail.OutboxClock(clock.Or(clk)))
	}
	return heraldmail.NewSMTP(heraldmail.SMTPConfig{
		Host: s.Host, Port: s.Port, TLS: s.TLS, Auth: s.Auth, Username: s.Username, Password: s.Password,
		HELO: s.Helo, Connections: s.Connections, Rate: s.Rate, DomainRates: s.DomainRates,
		Timeout: s.Timeout, NoPipelining: !s.Pipelining, DKIM: dkim, Clock: clk,
	}, log)
}

// LoadDKIM returns the configured DKIM signer, nil when none: one key, or
// an RSA key and an Ed25519 key signing side by side.
func LoadDKIM(cfg *config.Config) (*heraldmail.DKIM, error) {
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

// FromAddress is the sender of every email herald writes.
func FromAddress(cfg *config.Config) mail.Address {
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

// NewSchedule builds the newsletter schedule with the declared vacations.
func NewSchedule(cfg *config.Config) (*schedule.Schedule, error) {
	vs := make([]schedule.Vacation, len(cfg.Vacations))
	for i, v := range cfg.Vacations {
		vs[i] = schedule.Vacation{From: v.From, Until: v.Until, Note: v.Note}
	}
	return schedule.New(cfg.Newsletter.Schedule, cfg.Newsletter.Location, vs)
}

// linkMaker returns the personal unsubscribe and preferences URLs.
func linkMaker(cfg *config.Config, signer *subscriber.Signer) func(subscriber.Subscriber) (string, string) {
	base := cfg.Server.PublicURL
	return func(sub subscriber.Subscriber) (string, string) {
		return subscriber.UnsubscribeURL(base, signer, sub), subscriber.PreferencesURL(base, signer, sub)
	}
}

// NewNewsletter builds the newsletter engine from the config; edits, when
// given, adjust its options (herald send sets GiveUp).
func NewNewsletter(cfg *config.Config, st store.Store, tr heraldmail.Transport, signer *subscriber.Signer,
	posts func() []*post.Post, clock clock.Clock, log *slog.Logger, reg prometheus.Registerer,
	edits ...func(*newsletter.Options)) (*newsletter.Newsletter, error) {
	sched, err := NewSchedule(cfg)
	if err != nil {
		return nil, err
	}
	n := cfg.Newsletter
	opts := newsletter.Options{
		Store: st, Transport: tr, Posts: posts, Schedule: sched,
		Mode: newsletter.Mode(n.Mode), AfterVacation: newsletter.AfterVacation(n.AfterVacation), MaxLate: n.MaxLate,
		MaxBackdate: n.MaxBackdate,
		From:        FromAddress(cfg), ReplyTo: cfg.SMTP.ReplyTo, ListID: listID(n.ListID, cfg.Site.Title), Subject: n.Subject,
		PublicURL: cfg.Server.PublicURL, Links: linkMaker(cfg, signer),
		Templates: cfg.TemplateFS(),
		Site: newsletter.Site{Title: cfg.Site.Title, URL: cfg.Site.BaseURL, Language: cfg.Site.Language,
			Location: cfg.Site.Location},
		Workers: cfg.SMTP.Connections, BounceLimit: n.BounceLimit, MaxAttempts: n.MaxAttempts,
		RetryBase: n.RetryBase, Clock: clock, Logger: log, Registerer: reg,
	}
	for _, edit := range edits {
		edit(&opts)
	}
	return newsletter.New(opts)
}

// listID is the List-Id of the newsletter: a bare list id gets the angle
// brackets RFC 2919 requires, after the site's title as its description
// ("blog.example.com" becomes "Zoë’s Notes <blog.example.com>"; the mail
// package encodes the description, never the id); a value that has them,
// with or without a description before, is kept as written.
func listID(id, title string) string {
	if id == "" || strings.Contains(id, "<") {
		return id
	}
	return strings.TrimSpace(title + " <" + id + ">")
}

// PostOptions maps the config onto how posts are read.
func PostOptions(cfg *config.Config) post.Options {
	authors := make(map[string]post.Author, len(cfg.Authors))
	for k, a := range cfg.Authors {
		authors[k] = post.Author{Key: k, Name: a.Name, Email: a.Email, ShowEmail: a.ShowEmail, URL: a.URL, Bio: a.Bio}
	}
	opts := post.Options{
		Dir: cfg.Posts.Dir, BaseURL: cfg.Site.BaseURL, Permalink: cfg.Posts.Permalink,
		Location: cfg.Site.Location, Authors: authors, SummaryWords: cfg.Posts.SummaryWords,
		MaxSize: int64(cfg.Posts.MaxSize),
	}
	opts.Site, opts.DataAuthors = cfg.Generator.PostSite(), cfg.Generator.PostAuthors()
	return opts
}

// FeedSettings maps the config onto the feed builder's site and options.
func FeedSettings(cfg *config.Config) (feed.Site, feed.Options) {
	site := feed.Site{
		Title: cfg.Site.Title, Description: cfg.Site.Description, Language: cfg.Site.Language,
		Icon: cfg.Site.Icon, BaseURL: cfg.Site.BaseURL, PublicURL: cfg.Server.PublicURL,
		Hub: cfg.Feeds.Hub, Stylesheet: cfg.Feeds.Stylesheet, Authors: PostOptions(cfg).Authors,
	}
	opts := feed.Options{
		Limit: cfg.Feeds.Limit, Formats: cfg.Feeds.Formats, PerTag: cfg.Feeds.PerTag,
		PerAuthor: cfg.Feeds.PerAuthor, Templates: cfg.TemplateFS(),
	}
	return site, opts
}

// NewPublisher returns the publisher of cfg's posts into outDir; call its
// LoadPosts before Publish.
func NewPublisher(cfg *config.Config, outDir string, log *slog.Logger) (*publish.Publisher, error) {
	if err := cfg.CheckPostsDir(); err != nil {
		return nil, err
	}
	site, opts := FeedSettings(cfg)
	return publish.New(publish.Options{Posts: PostOptions(cfg), Site: site, Feeds: opts, OutDir: outDir, DataDir: cfg.DataDir, Logger: log})
}

// IDRecordPath is where the record of published feed ids lives.
func IDRecordPath(cfg *config.Config) string { return publish.IDRecordPath(cfg.DataDir) }
