package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"math"
	"net/mail"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/heraldhq/herald/internal/clock"
)

// TLS modes of SMTPConfig.TLS.
const (
	TLSImplicit      = "implicit"      // TLS from the first byte (smtps, port 465)
	TLSStartTLS      = "starttls"      // STARTTLS required
	TLSOpportunistic = "opportunistic" // STARTTLS when the server offers it
	TLSNone          = "none"          // plain text
)

// Auth mechanisms of SMTPConfig.Auth.
const (
	AuthPlain   = "plain"
	AuthLogin   = "login"
	AuthCRAMMD5 = "cram-md5"
	AuthNone    = "none"
)

// DefaultTimeout bounds one SMTP exchange when SMTPConfig.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// SMTPConfig says how to reach and use an SMTP relay. Zero values: TLS
// "opportunistic"; Auth "plain" with a Username, else "none"; Connections 1;
// Rate 0 (unlimited); Timeout DefaultTimeout; HELO the host name.
type SMTPConfig struct {
	Host        string
	Port        int
	TLS         string // "implicit", "starttls", "opportunistic" or "none"
	Auth        string // "plain", "login", "cram-md5" or "none"
	Username    string
	Password    string // never logged, never in errors
	HELO        string
	Connections int                // parallel connections, each reused for many messages
	Rate        float64            // messages per second over all connections; 0 unlimited
	DomainRates map[string]float64 // messages per second per recipient domain
	Timeout     time.Duration      // one dial, or one message's whole exchange
	DKIM        *DKIM              // nil: unsigned
	TLSConfig   *tls.Config        // nil: system roots, ServerName Host
	Clock       clock.Clock        // paces the rates; nil: the system clock
	// NoPipelining sends MAIL, RCPT and DATA one at a time even when the
	// relay offers PIPELINING (RFC 2920), which is used by default.
	NoPipelining bool
}

// String describes the relay without its password.
func (c SMTPConfig) String() string {
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("%s%s:%d (tls %s, auth %s)", user, c.Host, c.Port, c.TLS, c.Auth)
}

// SMTP is a Transport sending through an SMTP relay with a pool of up to
// Connections reused connections and rate limits. Send is safe for
// concurrent use. Close it to end the connections politely (QUIT).
type SMTP struct {
	cfg    SMTPConfig
	logger *slog.Logger
	pacer  *pacer
	pool   chan *conn // every connection slot, idle ones inside
	closed chan struct{}
}

// NewSMTP checks cfg, fills its defaults and returns the transport. It does
// not connect: connections are opened by the first sends that need them.
func NewSMTP(cfg SMTPConfig, logger *slog.Logger) (*SMTP, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &SMTP{
		cfg: cfg, logger: logger, closed: make(chan struct{}),
		pacer: newPacer(cfg.Rate, cfg.DomainRates, cfg.Connections, cfg.Clock),
		pool:  make(chan *conn, cfg.Connections),
	}
	for range cfg.Connections {
		s.pool <- &conn{cfg: &s.cfg}
	}
	return s, nil
}

func (c SMTPConfig) withDefaults() (SMTPConfig, error) {
	if c.Host == "" || strings.ContainsAny(c.Host, " /\r\n") {
		return c, fmt.Errorf("smtp host %q is not a host name", c.Host)
	}
	if c.Port < 1 || c.Port > 65535 {
		return c, fmt.Errorf("smtp port %d is out of range 1-65535", c.Port)
	}
	c.TLS = strings.ToLower(cmpOr(c.TLS, TLSOpportunistic))
	if !oneOf(c.TLS, TLSImplicit, TLSStartTLS, TLSOpportunistic, TLSNone) {
		return c, fmt.Errorf("smtp tls %q is not implicit, starttls, opportunistic or none", c.TLS)
	}
	if c.Auth == "" && c.Username != "" {
		c.Auth = AuthPlain
	}
	c.Auth = strings.ToLower(cmpOr(c.Auth, AuthNone))
	if !oneOf(c.Auth, AuthPlain, AuthLogin, AuthCRAMMD5, AuthNone) {
		return c, fmt.Errorf("smtp auth %q is not plain, login, cram-md5 or none", c.Auth)
	}
	if c.Auth != AuthNone && c.Username == "" {
		return c, fmt.Errorf("smtp auth %s needs a username", c.Auth)
	}
	return c.withLimits()
}

func (c SMTPConfig) withLimits() (SMTPConfig, error) {
	if c.Connections < 0 || !(c.Rate >= 0) || math.IsInf(c.Rate, 0) || c.Timeout < 0 {
		return c, fmt.Errorf("smtp connections %d, rate %g, timeout %v: none may be negative", c.Connections, c.Rate, c.Timeout)
	}
	for d, r := range c.DomainRates {
		if r <= 0 || d == "" {
			return c, fmt.Errorf("smtp rate %g for domain %q: want a domain and a rate above 0", r, d)
		}
	}
	c.Connections = max(c.Connections, 1)
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c, nil
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func oneOf(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// Send builds m (signed when the config has DKIM) and hands it to the relay,
// waiting for the rate limits and a free connection first. A returned error
// is a *SendError (classify it with Temporary and Code) or wraps
// ErrInvalidMessage or ErrClosed. A temporary failure also slows the whole
// sender down for a minute.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	raw, err := prebuilt(m, s.cfg.DKIM)
	if err != nil {
		return err
	}
	domain := domainOf(m.To.Address)
	if err := s.pacer.wait(ctx, domain); err != nil {
		return &SendError{Op: "wait", Rcpt: m.To.Address, Temporary: true, Err: err}
	}
	c, err := s.acquire(ctx, m.To.Address)
	if err != nil {
		return err
	}
	// A transaction tried again on a new connection hands off once.
	err = c.send(ctx, m.From.Address, m.To.Address, raw, sync.OnceValue(m.HandOff))
	s.pool <- c
	if err != nil {
		return s.failed(err, domain)
	}
	s.pacer.sent()
	return nil
}

// Build builds m as Send would (signed when the config has DKIM).
func (s *SMTP) Build(m *Message) ([]byte, error) { return Build(m, s.cfg.DKIM) }

func (s *SMTP) failed(err error, domain string) error {
	se, ok := err.(*SendError)
	if !ok || !se.Temporary {
		return err
	}
	r := s.pacer.slowDown(domain)
	s.logger.Warn("SMTP temporary failure, slowing down", "relay", s.cfg.Host, "op", se.Op,
		"code", se.Code, "domain", domain, "rate", float64(r), "error", se.Err)
	return err
}

func (s *SMTP) acquire(ctx context.Context, rcpt string) (*conn, error) {
	select {
	case <-s.closed:
		return nil, ErrClosed
	default:
	}
	select {
	case c := <-s.pool:
		return c, nil
	case <-s.closed:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, &SendError{Op: "wait", Rcpt: rcpt, Temporary: true, Err: fmt.Errorf("no free connection: %w", ctx.Err())}
	}
}

// Close waits for the sends in progress, then ends every connection with
// QUIT. Send returns ErrClosed afterwards.
func (s *SMTP) Close() error {
	select {
	case <-s.closed:
		return nil
	default:
		close(s.closed)
	}
	for range s.cfg.Connections {
		(<-s.pool).close(true)
	}
	return nil
}

// Rate returns the global rate in force in messages per second (lower than
// configured during a slow-down); 0 means unlimited.
func (s *SMTP) Rate() float64 { return finite(s.pacer.limit()) }

// DomainRate returns the rate in force for domain; 0 means unlimited.
func (s *SMTP) DomainRate(domain string) float64 { return finite(s.pacer.domainLimit(domain)) }

func finite(l rate.Limit) float64 {
	if l == rate.Inf {
		return 0
	}
	return float64(l)
}

func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	return strings.ToLower(addr[at+1:])
}

// envelope returns addr in angle brackets for MAIL FROM and RCPT TO.
func envelope(addr string) string { return (&mail.Address{Address: addr}).String() }
