// Package app wires the config into herald's parts and runs the daemon of
// `herald serve`: its lifecycle (start in order, stop in reverse), the loop
// that rebuilds the feeds and applies config reloads, the database watch
// and the feed metrics. The command line (cmd/herald) parses flags, loads
// the config and calls Start; every other command builds its parts with the
// functions of wire.go.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/heraldhq/herald/internal/clock"
	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/lockfile"
	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/publish"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
	"github.com/heraldhq/herald/internal/watch"
	"github.com/heraldhq/herald/internal/web"
	"github.com/heraldhq/herald/internal/websub"
)

// Env is what the daemon may touch of the outside world besides the files
// the config names, so that tests run it with buffers and a fake clock.
type Env struct {
	Stdout io.Writer // the start banner
	Stderr io.Writer // the log
	// Environ is the environment a reload reads HERALD_* variables from.
	Environ []string
	// Hup delivers reload requests (SIGHUP); nil means none.
	Hup <-chan os.Signal
	// Ready, when set, receives the listening address once the daemon
	// accepts, its watcher and newsletter running.
	Ready func(addr string)
	// Clock is the time source; nil means the system clock.
	Clock clock.Clock
	// Version is printed in the banner.
	Version string
}

// Daemon is a running `herald serve`. Once Start returned, its loop
// goroutine owns cfg, pub, mailer and the newsletter engine: nothing else
// reads them until the loop has stopped.
type Daemon struct {
	e       Env
	log     *slog.Logger
	level   *slog.LevelVar // log.level, applied on reload
	clock   clock.Clock
	cfg     *config.Config
	lock    *lockfile.Lock
	store   store.Store
	mailer  heraldmail.Transport
	signer  *subscriber.Signer
	pub     *publish.Publisher
	builtAt time.Time                    // clock time of the last feed build
	lib     atomic.Pointer[post.Library] // pub.lib, for the newsletter's goroutine
	web     *web.Server
	news    *newsletter.Newsletter
	watcher *watch.Watcher
	srv     *http.Server
	addr    string // where srv listens

	gc          *gcPolicy
	gzipUnset   int  // gzip copies written since the web server last got the files (see compressSome)
	gzipStarted bool // the gzip copies the start left to write are written
	reported    said // the posts' problems, notes and id warnings the log has
	metrics     *daemonMetrics
	hub         *websub.Notifier
	stopHub     context.CancelFunc
	reg         *prometheus.Registry
	db          dbState
	retry       retryState // a failing streak of rebuilds

	stopNews  context.CancelFunc
	newsDone  chan struct{}
	stopQueue context.CancelFunc // ends web.RunMailQueue
	queueDone chan struct{}
	served    chan error
	stopLoop  context.CancelFunc // ends the loop and the database watch
	loopDone  chan error
	dbDone    chan struct{}
	closeOnce sync.Once
}

// Start builds every part from cfg in order (lock, store, mail, posts, web,
// watcher, newsletter), prints the banner and starts the loop. On error,
// whatever was started is closed again. Cancelling ctx stops the daemon;
// Wait then shuts it down.
func Start(ctx context.Context, cfg *config.Config, e Env) (_ *Daemon, err error) {
	d := &Daemon{e: e, cfg: cfg, clock: clock.Or(e.Clock), level: new(slog.LevelVar), reg: prometheus.NewRegistry(), gc: newGCPolicy()}
	d.level.Set(cfg.Log.SlogLevel())
	d.log = newLogger(cfg.Log.Format, d.level, e.Stderr)
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	steps := []func(context.Context) error{d.takeLock, d.checkTemplates, d.openParts, d.loadPosts, d.startWeb, d.startWatch, d.startNewsletter}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	// Loading, building and watching the posts make much garbage that the
	// runtime would give back to the system only slowly: give it back now,
	// so that the daemon's resident memory is what it keeps, and bound
	// what it may grow to from there (see gcPolicy).
	d.collect()
	d.printBanner() // before the loop starts: it reads cfg
	d.warnPublicURL(cfg)
	d.warnDeliverability(cfg)
	loopCtx, stop := context.WithCancel(ctx)
	d.stopLoop, d.loopDone, d.dbDone = stop, make(chan error, 1), make(chan struct{})
	go func() { d.loopDone <- d.loop(loopCtx) }()
	go func() { defer close(d.dbDone); d.watchDatabase(loopCtx, 15*time.Second) }()
	if d.e.Ready != nil {
		d.e.Ready(d.addr) // after the watcher and the newsletter started
	}
	return d, nil
}

// collect gives the garbage back to the system and sets the collector
// from what the daemon keeps then (see gcPolicy): after the start, after
// the gzip copies of the start, after a reload that read the posts again.
func (d *Daemon) collect() {
	debug.FreeOSMemory()
	if limit := d.gc.collected(); limit > 0 {
		d.log.Debug("Collector set", "memory_limit_mb", limit>>20, "gogc", d.gc.percent,
			"live_heap_mb", d.gc.live>>20, "overhead_mb", d.gc.overhead>>20)
	}
}

// NewLogger returns the log of cfg's log.format and log.level on w.
func NewLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	return newLogger(cfg.Log.Format, cfg.Log.SlogLevel(), w)
}

func newLogger(format string, level slog.Leveler, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func (d *Daemon) takeLock(context.Context) error {
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

// checkTemplates refuses to start, before anything is written, when a
// template of templates_dir does not parse: the parts would refuse it one
// by one, after the feeds were built. Every broken file is named, with its
// line, as herald check names them.
func (d *Daemon) checkTemplates(context.Context) error {
	if problems := CheckTemplates(d.cfg); len(problems) > 0 {
		return errors.Join(problems...)
	}
	return nil
}

func (d *Daemon) openParts(ctx context.Context) error {
	var err error
	if d.store, err = OpenStore(ctx, d.cfg); err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	if d.signer, err = LoadSigner(ctx, d.cfg, d.store); err != nil {
		return err
	}
	if d.mailer, err = OpenTransport(d.cfg, d.log, d.clock); err != nil {
		return fmt.Errorf("set up mail delivery: %w", err)
	}
	d.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	d.metrics = newDaemonMetrics(d.reg)
	hubCtx, stop := context.WithCancel(ctx)
	d.hub, d.stopHub = websub.New(hubCtx, d.log), stop
	return nil
}

func (d *Daemon) loadPosts(ctx context.Context) error {
	pub, err := NewPublisher(d.cfg, d.cfg.Feeds.OutputDir, d.log)
	if err != nil {
		return err
	}
	d.gc.loading()
	pub.LoadLean()
	if err := pub.LoadPosts(ctx); err != nil {
		return err
	}
	pub.DeferGzip()
	d.pub = pub
	d.lib.Store(pub.Library())
	return nil
}

func (d *Daemon) webOptions(cfg *config.Config, mailer heraldmail.Transport) web.Options {
	o := WebOptions(cfg, d.store, d.signer, mailer, d.log)
	o.Clock, o.Registerer, o.Gatherer, o.Health, o.Degraded = d.clock, d.reg, d.reg, d.health, d.degraded
	return o
}

// WebOptions maps the config onto the web server's options.
func WebOptions(cfg *config.Config, st store.Store, signer *subscriber.Signer, mailer heraldmail.Transport, log *slog.Logger) web.Options {
	s := cfg.Subscribers
	return web.Options{
		Site: web.Site{Title: cfg.Site.Title, Description: cfg.Site.Description, BaseURL: cfg.Site.BaseURL,
			Language: cfg.Site.Language, Location: cfg.Site.Location},
		PublicURL: cfg.Server.PublicURL, Store: st, Signer: signer, Mailer: mailer,
		Templates: cfg.TemplateFS(), From: FromAddress(cfg), ReplyTo: cfg.SMTP.ReplyTo,
		ConfirmTTL: s.ConfirmTTL, ResendInterval: s.ConfirmResendInterval, RatePerIP: s.RatePerIP,
		RatePerAddress: s.RatePerAddress, MaxBodyBytes: int64(cfg.Server.MaxBodyBytes), FormOrigins: s.FormOrigins,
		Welcome: s.Welcome, TrustedProxyHeader: cfg.Server.TrustedProxyHeader,
		TrustedProxyHops: cfg.Server.TrustedProxyHops, Logger: log, Vacation: welcomeVacation(cfg),
	}
}

// welcomeVacation tells the welcome email of a vacation that skips the
// next issue; nil when the newsletter is off.
func welcomeVacation(cfg *config.Config) func(time.Time) *web.Vacation {
	sched, err := NewSchedule(cfg)
	if err != nil || !cfg.Newsletter.Enabled {
		return nil // Load validated the schedule: no error here
	}
	return func(now time.Time) *web.Vacation {
		n, ok := sched.Notice(now)
		if !ok {
			return nil
		}
		return &web.Vacation{Until: n.Until, Note: n.Note, Next: n.Next, SameDay: n.SameDay}
	}
}

// health is the readiness check behind /healthz: the database answers.
func (d *Daemon) health() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := d.store.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	return nil
}

func (d *Daemon) startWeb(ctx context.Context) error {
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
	qctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	d.stopQueue, d.queueDone = stop, make(chan struct{})
	go func() { defer close(d.queueDone); d.web.RunMailQueue(qctx, web.DefaultQueuePoll) }()
	d.addr = ln.Addr().String()
	return nil
}

func (d *Daemon) startWatch(context.Context) error {
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
	if d.cfg.TemplatesDir != "" {
		if err := w.Add(d.cfg.TemplatesDir, true); err != nil {
			return fmt.Errorf("watch templates_dir: %w", err)
		}
	}
	return nil
}

// startNewsletter starts the engine when the newsletter is enabled. The
// engine's context is not the daemon's: shutdown stops it after the HTTP
// server, at a safe point.
func (d *Daemon) startNewsletter(ctx context.Context) error {
	if !d.cfg.Newsletter.Enabled {
		return nil
	}
	n, err := NewNewsletter(d.cfg, d.store, d.mailer, d.signer, d.publishedPosts, d.clock, d.log, d.reg)
	if err != nil {
		return err
	}
	return d.startEngine(ctx, n)
}

// startEngine recovers what a crash left of n's sends and starts it.
func (d *Daemon) startEngine(ctx context.Context, n *newsletter.Newsletter) error {
	if err := n.Recover(ctx, SingleInstance(d.cfg)); err != nil {
		return err
	}
	d.news = n
	nctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.stopNews, d.newsDone = cancel, make(chan struct{})
	go d.runNewsletter(nctx, n, d.newsDone)
	return nil
}

// stopNewsletter stops the engine and waits for it to reach a safe point.
func (d *Daemon) stopNewsletter() {
	if d.stopNews == nil {
		return
	}
	d.stopNews()
	<-d.newsDone
	d.news, d.stopNews = nil, nil
}

// runNewsletter keeps the newsletter loop going: a store error (the
// database went away) is logged and retried with backoff.
func (d *Daemon) runNewsletter(ctx context.Context, n *newsletter.Newsletter, done chan<- struct{}) {
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

// Wait blocks until the daemon's context ends, its loop fails or its HTTP
// server fails; it then stops the loop and waits for it, so that no reload
// is under way, and shuts every part down in reverse order.
func (d *Daemon) Wait() error {
	var err error
	select {
	case err = <-d.loopDone:
		d.stopLoop()
	case err = <-d.served:
		err = fmt.Errorf("http server: %w", err)
		d.stopLoop()
		<-d.loopDone
	}
	<-d.dbDone
	if shutdownErr := d.shutdown(); err == nil {
		err = shutdownErr
	}
	return err
}

// shutdown stops accepting, lets in-flight requests finish and the
// newsletter reach a safe point, then closes the parts in reverse order.
func (d *Daemon) shutdown() error {
	d.log.Info("Shutting down", "timeout", d.cfg.Server.ShutdownTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), d.cfg.Server.ShutdownTimeout)
	defer cancel()
	var errs []error
	if d.srv != nil {
		if err := d.srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop http server: %w", err))
		}
	}
	if d.stopQueue != nil {
		d.stopQueue() // an email being sent is claimed again after its lease
		<-d.queueDone
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
func (d *Daemon) close() {
	d.closeOnce.Do(func() {
		if d.stopQueue != nil { // before the store closes under it
			d.stopQueue()
			<-d.queueDone
		}
		if d.watcher != nil {
			d.watcher.Close()
		}
		if d.hub != nil {
			d.stopHub()
			d.hub.Wait()
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
