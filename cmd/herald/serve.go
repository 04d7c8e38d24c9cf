package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/lockfile"
	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
	"github.com/heraldhq/herald/internal/watch"
	"github.com/heraldhq/herald/internal/web"
	"github.com/heraldhq/herald/templates"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

var serveCommand = command{
	name:    "serve",
	summary: "run the daemon: watch posts and config, serve feeds and pages, send the newsletter",
	about: `Runs herald until SIGINT or SIGTERM: builds the feeds, watches the posts folder and the config
file and rebuilds what changed (telling the WebSub hub of feeds.hub which feeds changed),
publishes future-dated posts when their time comes, serves feeds, pages and the subscriber flow
over HTTP, and sends the newsletter on its schedule. SIGHUP reloads
the config; an invalid config is logged with line and column and the old one stays in force.
A second herald on the same data folder refuses to start.`,
	run: runServe,
}

func runServe(ctx context.Context, c *command, args []string, e env) error {
	fs := newFlagSet(c, e)
	cfgPath := fs.String("config", "", "config `file` (default $HERALD_CONFIG or herald.toml)")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath, e)
	if err != nil {
		return err
	}
	d, err := startDaemon(ctx, cfg, e)
	if err != nil {
		return err
	}
	return d.wait()
}

// daemon is a running `herald serve`. Its loop goroutine owns cfg and pub.
type daemon struct {
	e       env
	log     *slog.Logger
	clock   newsletter.Clock
	cfg     *config.Config
	lock    *lockfile.Lock
	store   store.Store
	mailer  heraldmail.Transport
	signer  *subscriber.Signer
	pub     *publisher
	builtAt time.Time                    // clock time of the last feed build
	lib     atomic.Pointer[post.Library] // pub.lib, for the newsletter's goroutine
	web     *web.Server
	news    *newsletter.Newsletter
	watcher *watch.Watcher
	srv     *http.Server
	addr    string // where srv listens
	metrics *daemonMetrics
	hub     *hubNotifier
	stopHub context.CancelFunc
	reg     *prometheus.Registry
	db      dbState

	stopNews  context.CancelFunc
	newsDone  chan struct{}
	served    chan error
	loopDone  chan error
	closeOnce sync.Once
}

func startDaemon(ctx context.Context, cfg *config.Config, e env) (_ *daemon, err error) {
	d := &daemon{e: e, cfg: cfg, clock: e.clockOrSystem(), log: newLogger(cfg, e), reg: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	steps := []func(context.Context) error{d.takeLock, d.openParts, d.loadPosts, d.startWeb, d.startWatch, d.startNewsletter}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	d.loopDone = make(chan error, 1)
	go func() { d.loopDone <- d.loop(ctx) }()
	go d.watchDatabase(ctx, 15*time.Second)
	d.printBanner()
	if d.e.ready != nil {
		d.e.ready(d.addr) // after the watcher and the newsletter started
	}
	return d, nil
}

func newLogger(cfg *config.Config, e env) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.Log.SlogLevel()}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

func (d *daemon) takeLock(context.Context) error {
	if err := os.MkdirAll(d.cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	lock, err := lockfile.Acquire(filepath.Join(d.cfg.DataDir, lockfile.Name))
	if err != nil {
		return err
	}
	d.lock = lock
	return nil
}

func (d *daemon) openParts(ctx context.Context) error {
	var err error
	if d.store, err = openStore(ctx, d.cfg); err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	if d.signer, err = loadSigner(ctx, d.cfg, d.store); err != nil {
		return err
	}
	if d.mailer, err = openTransport(d.cfg, d.log); err != nil {
		return fmt.Errorf("set up mail delivery: %w", err)
	}
	d.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	d.metrics = newDaemonMetrics(d.reg)
	hubCtx, stop := context.WithCancel(ctx)
	d.hub, d.stopHub = newHubNotifier(hubCtx, d.log), stop
	return nil
}

func (d *daemon) loadPosts(ctx context.Context) error {
	pub, err := newPublisher(d.cfg, d.cfg.Feeds.OutputDir, d.log)
	if err != nil {
		return err
	}
	if err := pub.loadPosts(ctx); err != nil {
		return err
	}
	d.pub = pub
	d.lib.Store(pub.lib)
	return nil
}

func (d *daemon) webOptions(cfg *config.Config, mailer heraldmail.Transport) web.Options {
	o := webOptions(cfg, d.store, d.signer, mailer, d.log)
	o.Now, o.Registerer, o.Gatherer, o.Health = d.clock.Now, d.reg, d.reg, d.health
	return o
}

// webOptions maps the config onto the web server's options.
func webOptions(cfg *config.Config, st store.Store, signer *subscriber.Signer, mailer heraldmail.Transport, log *slog.Logger) web.Options {
	s := cfg.Subscribers
	return web.Options{
		Site:      web.Site{Title: cfg.Site.Title, Description: cfg.Site.Description, BaseURL: cfg.Site.BaseURL, Language: cfg.Site.Language},
		PublicURL: cfg.Server.PublicURL, Store: st, Signer: signer, Mailer: mailer,
		Templates: templates.FS(cfg.TemplatesDir), From: fromAddress(cfg),
		ConfirmTTL: s.ConfirmTTL, ResendInterval: s.ConfirmResendInterval, RatePerIP: s.RatePerIP,
		RatePerAddress: s.RatePerAddress, MaxBodyBytes: int64(cfg.Server.MaxBodyBytes), FormOrigins: s.FormOrigins,
		Welcome: s.Welcome, TrustedProxyHeader: cfg.Server.TrustedProxyHeader,
		TrustedProxyHops: cfg.Server.TrustedProxyHops, Logger: log,
	}
}

// health is the readiness check behind /healthz: the database answers.
func (d *daemon) health() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := d.store.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	return nil
}

func (d *daemon) startWeb(ctx context.Context) error {
	var err error
	if d.web, err = web.New(d.webOptions(d.cfg, d.mailer)); err != nil {
		return err
	}
	d.rebuild("start")
	ln, err := net.Listen("tcp", d.cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another program using it? change server.listen)", d.cfg.Server.Listen, err)
	}
	s := d.cfg.Server
	d.srv = &http.Server{
		Handler: d.web, ReadHeaderTimeout: s.ReadHeaderTimeout, ReadTimeout: s.ReadTimeout,
		WriteTimeout: s.WriteTimeout, IdleTimeout: s.IdleTimeout, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(d.log.Handler(), slog.LevelWarn),
	}
	limited := web.LimitConnections(ln, d.srv, s.MaxConnections)
	d.served = make(chan error, 1)
	go func() { d.served <- d.srv.Serve(limited) }()
	d.addr = ln.Addr().String()
	return nil
}

func (d *daemon) startWatch(context.Context) error {
	w, err := watch.New(watch.Options{Debounce: d.cfg.Server.Debounce, Logger: d.log})
	if err != nil {
		return err
	}
	d.watcher = w
	if err := w.Add(d.cfg.Posts.Dir, true); err != nil {
		return fmt.Errorf("watch posts folder: %w", err)
	}
	if err := w.Add(d.cfg.File, false); err != nil {
		return fmt.Errorf("watch config file: %w", err)
	}
	return nil
}

// startNewsletter starts the engine when the newsletter is enabled. The
// engine's context is not the daemon's: shutdown stops it after the HTTP
// server, at a safe point.
func (d *daemon) startNewsletter(ctx context.Context) error {
	if !d.cfg.Newsletter.Enabled {
		return nil
	}
	n, err := newNewsletter(d.cfg, d.store, d.mailer, d.signer, d.publishedPosts, d.clock, d.log, d.reg)
	if err != nil {
		return err
	}
	if err := n.Recover(ctx, singleInstance(d.cfg)); err != nil {
		return err
	}
	d.news = n
	nctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.stopNews, d.newsDone = cancel, make(chan struct{})
	go d.runNewsletter(nctx, n, d.newsDone)
	return nil
}

// stopNewsletter stops the engine and waits for it to reach a safe point.
func (d *daemon) stopNewsletter() {
	if d.stopNews == nil {
		return
	}
	d.stopNews()
	<-d.newsDone
	d.news, d.stopNews = nil, nil
}

// runNewsletter keeps the newsletter loop going: a store error (the
// database went away) is logged and retried with backoff.
func (d *daemon) runNewsletter(ctx context.Context, n *newsletter.Newsletter, done chan<- struct{}) {
	defer close(done)
	backoff := time.Second
	for {
		err := n.Run(ctx)
		if ctx.Err() != nil {
			return
		}
		d.log.Error("Newsletter stopped; retrying", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-d.clock.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Minute)
	}
}

// wait blocks until the daemon stopped, then shuts everything down.
func (d *daemon) wait() error {
	var err error
	select {
	case err = <-d.loopDone:
	case err = <-d.served:
		err = fmt.Errorf("http server: %w", err)
	}
	if shutdownErr := d.shutdown(); err == nil {
		err = shutdownErr
	}
	return err
}

// shutdown stops accepting, lets in-flight requests finish and the
// newsletter reach a safe point, then closes the parts in reverse order.
func (d *daemon) shutdown() error {
	d.log.Info("Shutting down", "timeout", d.cfg.Server.ShutdownTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), d.cfg.Server.ShutdownTimeout)
	defer cancel()
	var errs []error
	if d.srv != nil {
		if err := d.srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop http server: %w", err))
		}
	}
	if d.stopNews != nil {
		d.stopNews()
		select {
		case <-d.newsDone:
		case <-ctx.Done():
			errs = append(errs, errors.New("newsletter did not reach a safe point in time; its claims are recovered at the next start"))
		}
	}
	d.close()
	d.log.Info("Stopped")
	return errors.Join(errs...)
}

// close releases whatever was opened, in reverse order.
func (d *daemon) close() {
	d.closeOnce.Do(func() {
		if d.watcher != nil {
			d.watcher.Close()
		}
		if d.hub != nil {
			d.stopHub()
			d.hub.wait()
		}
		if d.mailer != nil {
			d.mailer.Close()
		}
		if d.store != nil {
			d.store.Close()
		}
		if d.lock != nil {
			d.lock.Release()
		}
	})
}
