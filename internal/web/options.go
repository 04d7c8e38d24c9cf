package web

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/clock"
	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/subscriber"
)

// Defaults used when the matching Options field is zero.
const (
	DefaultConfirmTTL     = 72 * time.Hour
	DefaultResendInterval = 15 * time.Minute
	DefaultRatePerIP      = 20 // subscribe requests per hour
	DefaultRatePerAddress = 5  // confirmation emails per hour
	DefaultMaxBodyBytes   = 64 << 10
)

// ErrInvalidOptions is wrapped by every error New and SetOptions return for
// unusable Options.
var ErrInvalidOptions = errors.New("invalid web options")

// Site is what the pages and emails say about the blog.
type Site struct {
	Title       string // required
	Description string
	BaseURL     string // the blog's home page; links in the footer and emails
	Language    string // the pages' and emails' lang attribute; empty means "en"
	// Location is the time zone of the times emails show (a confirmation
	// link's expiry); nil means UTC.
	Location *time.Location
}

// Vacation is a newsletter vacation as the welcome email tells it, in the
// schedule's zone: back on Until, with the note (no final full stop) and
// Next, the first issue after it (zero when none is found); SameDay when
// Next falls on Until's calendar day.
type Vacation struct {
	Until   time.Time
	Note    string
	Next    time.Time
	SameDay bool
}

// Options configure a Server. Store, Signer, Mailer, Templates, PublicURL,
// From and Site.Title are required; a zero duration, rate or size takes the
// matching Default. Fields marked "fixed" are read by New only: SetOptions
// ignores them.
type Options struct {
	Site Site
	// PublicURL is herald's own absolute URL, e.g. "https://news.example.com",
	// the base of every link in emails and feeds. When it has a path
	// ("https://example.com/news"), the reverse proxy must strip that path:
	// routes are served from "/", pages link under the path.
	PublicURL string

	Store     Store                // fixed
	Signer    *subscriber.Signer   // fixed
	Mailer    heraldmail.Transport // a reload may bring a new one (the relay changed)
	Templates fs.FS                // config.TemplateFS: pages/*.html, pages/style.css, email/*; read again by SetOptions unless nil
	From      mail.Address         // sender of confirmation and welcome emails; its domain names Message-IDs
	ReplyTo   string               // Reply-To of confirmation and welcome emails; empty: none

	ConfirmTTL     time.Duration // lifetime of a confirmation link
	ResendInterval time.Duration // a pending address gets its confirmation again at most this often
	RatePerIP      int           // subscribe requests per hour and client IP (IPv6 by /64); negative: unlimited
	RatePerAddress int           // confirmation emails per hour and normalised address, never a refusal; negative: unlimited
	MaxBodyBytes   int64         // request bodies above this answer 413
	FormOrigins    []string      // origins ("https://blog.example.com") allowed to post the subscribe form
	Welcome        bool          // send a welcome email after confirmation
	// Vacation returns the newsletter vacation that skips the first run
	// after now, for the welcome email to mention; nil (or a nil func)
	// when the next run sends.
	Vacation func(now time.Time) *Vacation

	// TrustedProxyHeader names the header holding the client IP set by a
	// reverse proxy ("X-Forwarded-For", "X-Real-IP", or "Forwarded" of RFC
	// 7239); empty trusts the connection's address. Only set it when herald
	// is reachable through the proxy alone.
	TrustedProxyHeader string
	// TrustedProxyHops is the number of trusted proxies in front of herald,
	// each adding one entry to TrustedProxyHeader: the client is that many
	// entries from the right. Zero means 1.
	TrustedProxyHops int

	Clock      clock.Clock           // fixed; nil means the system clock
	Logger     *slog.Logger          // fixed; nil discards
	Registerer prometheus.Registerer // fixed; nil makes a private registry
	// Gatherer serves /metrics; nil uses Registerer when it is also a
	// Gatherer (a *prometheus.Registry), else prometheus.DefaultGatherer;
	// with both nil, /metrics serves the private registry.
	Gatherer prometheus.Gatherer // fixed
	Health   func() error        // fixed; extra readiness check for /healthz; nil means none
	// Degraded says why herald works only in part (the feeds cannot be
	// written, the last good ones are served): /healthz then answers 200
	// "degraded: " and that text. "" or nil means all is well. fixed.
	Degraded func() string
}

// withDefaults returns o with zero fields defaulted, or an error wrapping
// ErrInvalidOptions naming the first bad field.
func (o Options) withDefaults() (Options, error) {
	if o.Mailer == nil {
		return o, fmt.Errorf("%w: mailer is nil", ErrInvalidOptions)
	}
	if strings.TrimSpace(o.Site.Title) == "" {
		return o, fmt.Errorf("%w: site title is empty", ErrInvalidOptions)
	}
	if o.Site.Language == "" {
		o.Site.Language = "en"
	}
	if o.Site.Location == nil {
		o.Site.Location = time.UTC
	}
	pub, err := checkAbsURL("public url", o.PublicURL)
	if err != nil {
		return o, err
	}
	o.PublicURL = strings.TrimSuffix(pub.String(), "/")
	if _, _, err := splitAddress(o.From.Address); err != nil {
		return o, fmt.Errorf("%w: from address: %w", ErrInvalidOptions, err)
	}
	for _, origin := range o.FormOrigins {
		if _, err := checkAbsURL("form origin", origin); err != nil {
			return o, err
		}
	}
	o.ConfirmTTL = orDefault(o.ConfirmTTL, DefaultConfirmTTL)
	o.ResendInterval = orDefault(o.ResendInterval, DefaultResendInterval)
	o.RatePerIP = orDefault(o.RatePerIP, DefaultRatePerIP)
	o.RatePerAddress = orDefault(o.RatePerAddress, DefaultRatePerAddress)
	o.MaxBodyBytes = orDefault(o.MaxBodyBytes, DefaultMaxBodyBytes)
	o.TrustedProxyHops = max(o.TrustedProxyHops, 1)
	return o, nil
}

// checkFixed reports a missing dependency among the fields New needs.
func (o Options) checkFixed() error {
	switch {
	case o.Store == nil:
		return fmt.Errorf("%w: store is nil", ErrInvalidOptions)
	case o.Signer == nil:
		return fmt.Errorf("%w: signer is nil", ErrInvalidOptions)
	case o.Templates == nil:
		return fmt.Errorf("%w: templates are nil", ErrInvalidOptions)
	}
	return nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func checkAbsURL(what, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %s %q is not an absolute http(s) URL", ErrInvalidOptions, what, raw)
	}
	return u, nil
}

// splitAddress returns the local part and domain of a bare address.
func splitAddress(addr string) (local, domain string, err error) {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || strings.ContainsAny(addr, " <>\r\n") {
		return "", "", fmt.Errorf("%q is not like name@example.com", addr)
	}
	return addr[:at], addr[at+1:], nil
}
