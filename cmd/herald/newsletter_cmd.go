package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/term"

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

var sendCommand = command{
	name:    "send",
	summary: "send one newsletter issue now (or a dry run, or a test copy)",
	about: `Sends an issue now with the posts published since the last one, through the configured SMTP
server (or the outbox folder), recording every delivery in the ledger. Stop herald serve first when
the store is SQLite; with PostgreSQL several senders share the work.

  -dry-run DIR         write the message each subscriber would get into DIR as .eml files (the
                       same bytes as a real send now, DKIM signature and Message-IDs included);
                       nothing else changes
  -to ADDR             send one test copy to ADDR; nothing is recorded
  -ignore-vacation     send even inside a declared vacation
  -resend-uncertain    resend the deliveries of the last issue that were handed to the server
                       when herald died (the ledger lists them as uncertain)`,
	run: runSend,
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
	g.news, err = app.NewNewsletter(cfg, g.store, g.mailer, signer, posts, clock, app.NewLogger(cfg, e.stderr), prometheus.NewRegistry())
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

func runSend(ctx context.Context, c *command, args []string, e env) error {
	fs := newFlagSet(c, e)
	cfgPath := fs.String("config", "", "config `file` (default $HERALD_CONFIG or herald.toml)")
	var opts newsletter.SendOptions
	fs.StringVar(&opts.DryRunDir, "dry-run", "", "write the messages into `dir` instead of sending")
	fs.StringVar(&opts.To, "to", "", "send one test copy to `address`")
	fs.BoolVar(&opts.IgnoreVacation, "ignore-vacation", false, "send even inside a vacation")
	resend := fs.Bool("resend-uncertain", false, "resend the last issue's uncertain deliveries")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if opts.DryRunDir != "" && (opts.To != "" || *resend) || opts.To != "" && *resend {
		return fmt.Errorf("%w: -dry-run, -to and -resend-uncertain exclude each other", errUsage)
	}
	cfg, err := loadConfig(*cfgPath, e)
	if err != nil {
		return err
	}
	var transport heraldmail.Transport
	if opts.DryRunDir != "" {
		dkim, err := app.LoadDKIM(cfg)
		if err != nil {
			return err
		}
		transport = discard{dkim: dkim}
	}
	g, err := openEngine(ctx, cfg, e, transport, opts.DryRunDir == "" && opts.To == "")
	if err != nil {
		return err
	}
	defer g.close()
	if *resend {
		return resendUncertain(ctx, g, e)
	}
	start := time.Now()
	opts.Progress = progress(e.stderr, start)
	res, err := g.news.SendNow(ctx, opts)
	if errors.Is(err, newsletter.ErrNothingNew) {
		fmt.Fprintln(e.stdout, "Nothing new since the last issue; nothing sent")
		return nil
	}
	if err != nil {
		return err
	}
	printSendResult(e.stdout, opts, res, time.Since(start))
	if res.Failed > 0 || res.Uncertain > 0 {
		return errFailed
	}
	return nil
}

func printSendResult(w io.Writer, opts newsletter.SendOptions, res newsletter.SendResult, took time.Duration) {
	switch {
	case opts.DryRunDir != "":
		fmt.Fprintf(w, "Dry run: %s written to %s (%s without a matching post); nothing recorded\n",
			count(res.Sent, "message"), opts.DryRunDir, count(res.Skipped, "subscriber"))
	case opts.To != "":
		fmt.Fprintf(w, "Test copy sent to %s; nothing recorded\n", opts.To)
	default:
		fmt.Fprintf(w, "Issue %d: %d sent, %d failed, %d skipped, %d uncertain in %s\n",
			res.IssueID, res.Sent, res.Failed, res.Skipped, res.Uncertain, took.Round(time.Millisecond))
	}
}

// progress reports count, rate and time left on a terminal; nil elsewhere.
func progress(w io.Writer, start time.Time) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(done, total int) {
		elapsed := time.Since(start).Seconds()
		rate := float64(done) / max(elapsed, 1e-3)
		left := "?"
		if rate > 0 && total >= done {
			left = (time.Duration(float64(total-done)/rate) * time.Second).Round(time.Second).String()
		}
		fmt.Fprintf(w, "\r%d/%d sent, %.0f/s, %s left   ", done, total, rate, left)
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}

func resendUncertain(ctx context.Context, g *engine, e env) error {
	is, err := g.store.LastIssue(ctx)
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintln(e.stdout, "No issue has been sent yet")
		return nil
	}
	if err != nil {
		return err
	}
	n, err := g.news.ResendUncertain(ctx, is.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Issue %d: %s sent again (same Message-IDs)\n", is.ID, count(n, "uncertain delivery"))
	return nil
}
