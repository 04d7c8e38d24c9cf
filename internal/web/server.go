package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/clock"
	"github.com/heraldhq/herald/internal/subscriber"
)

// Server is herald's http.Handler. Build it with New; its Set methods are
// safe to call while it serves.
type Server struct {
	store   Store
	signer  *subscriber.Signer
	now     func() time.Time
	log     *slog.Logger
	health  func() error
	degrade func() string // Options.Degraded
	views   *views
	metrics *metrics
	handler http.Handler
	wake    chan struct{}  // an email was queued; see RunMailQueue
	mux     *http.ServeMux // the route table, also asked which methods a path allows

	cfg   atomic.Pointer[settings]
	feeds atomic.Pointer[feedSet]
	posts atomic.Pointer[postSet]
}

// settings is the part of Options that SetOptions may replace, with the
// objects derived from it. It is never modified once published.
type settings struct {
	Options
	base      string       // path of PublicURL without the trailing slash ("" or "/news")
	security  fixedHeaders // the security headers of every response, Content-Security-Policy included
	ipLimit   *keyedLimiter
	addrLimit *keyedLimiter
	origins   *http.CrossOriginProtection
	views     *views // parsed from Options.Templates at each SetOptions
}

// New checks opts, parses every page and email template (an error names
// the missing or broken one) and registers the metrics. The Server starts
// with no feeds and no posts.
func New(opts Options) (*Server, error) {
	if err := opts.checkFixed(); err != nil {
		return nil, err
	}
	s := &Server{store: opts.Store, signer: opts.Signer,
		now: clock.Or(opts.Clock).Now, log: opts.Logger, health: opts.Health, degrade: opts.Degraded, wake: make(chan struct{}, 1)}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := s.SetOptions(opts); err != nil {
		return nil, err
	}
	reg, gather := registries(opts.Registerer, opts.Gatherer)
	var err error
	if s.metrics, err = newMetrics(reg, newQueueCollector(s.store, s.now, s.log)); err != nil {
		return nil, err
	}
	s.feeds.Store(newFeedSet(0))
	s.posts.Store(&postSet{})
	s.mux = s.routes(gather)
	s.handler = s.middleware(s.mux)
	return s, nil
}

// ServeHTTP serves r through the route table and the middleware.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// SetOptions applies a reloaded configuration: site, public URL, sender and
// mail transport, durations, rates, body limit, form origins, welcome and
// proxy header; and it parses the templates again unless opts.Templates is
// nil, which keeps those of the last call (a broken one is an error naming
// it). Fields marked fixed in Options are ignored. On error
// nothing changes.
// Rate-limit state is kept when the rate is unchanged.
func (s *Server) SetOptions(opts Options) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	cop := http.NewCrossOriginProtection()
	for _, origin := range append([]string{opts.PublicURL}, opts.FormOrigins...) {
		if err := cop.AddTrustedOrigin(originOf(origin)); err != nil {
			return fmt.Errorf("%w: form origin %q: %w", ErrInvalidOptions, origin, err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(s.denyOrigin))
	next := &settings{Options: opts, origins: cop, security: securityHeaders(contentSecurityPolicy(opts.FormOrigins))}
	old := s.cfg.Load()
	switch {
	case opts.Templates != nil:
		// Read again: the operator may have edited a template in
		// templates_dir (SIGHUP) without changing the config.
		if next.views, err = parseViews(opts.Templates); err != nil {
			return err
		}
	case old != nil:
		next.views = old.views
	default:
		return fmt.Errorf("%w: templates are nil", ErrInvalidOptions)
	}
	u, _ := url.Parse(opts.PublicURL) // checked by withDefaults
	next.base = strings.TrimSuffix(u.Path, "/")
	next.ipLimit = reuseLimiter(old, func(c *settings) *keyedLimiter { return c.ipLimit }, opts.RatePerIP)
	next.addrLimit = reuseLimiter(old, func(c *settings) *keyedLimiter { return c.addrLimit }, opts.RatePerAddress)
	s.cfg.Store(next)
	return nil
}

func reuseLimiter(old *settings, pick func(*settings) *keyedLimiter, perHour int) *keyedLimiter {
	if old != nil && pick(old).SamePerHour(perHour) {
		return pick(old)
	}
	return newKeyedLimiter(perHour, maxLimiterKeys)
}

// originOf reduces a URL to scheme://host[:port].
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

func registries(reg prometheus.Registerer, gather prometheus.Gatherer) (prometheus.Registerer, prometheus.Gatherer) {
	if reg == nil {
		r := prometheus.NewRegistry()
		return r, r
	}
	if gather == nil {
		if g, ok := reg.(prometheus.Gatherer); ok {
			return reg, g
		}
		return reg, prometheus.DefaultGatherer
	}
	return reg, gather
}
