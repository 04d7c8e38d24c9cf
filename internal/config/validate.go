package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/robfig/cron/v3"
)

// minSecretLen matches subscriber.MinSecretLen (config imports no herald
// package).
const minSecretLen = 32

// CronParser returns the parser that validates newsletter.schedule; the
// schedule package must parse the spec with the same options.
func CronParser() cron.Parser {
	return cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
}

func (l *loader) validate() {
	l.validateSite()
	l.validateAuthors()
	l.validatePosts()
	l.validateFeeds()
	l.validateServer()
	l.validateStore()
	l.validateSubscribers()
	l.validateSMTP()
	l.validateDKIM()
	l.validateNewsletter()
	l.vacations(l.cfg.Newsletter.Location)
}

func (l *loader) validateSite() {
	s := &l.cfg.Site
	l.required("site.title", s.Title)
	if l.required("site.base_url", s.BaseURL) {
		l.httpURL("site.base_url", s.BaseURL)
	}
	s.Location = l.zone("site.time_zone", s.TimeZone)
	if s.Icon != "" {
		l.httpURL("site.icon", s.Icon)
	}
}

func (l *loader) validateAuthors() {
	for key, a := range l.cfg.Authors {
		if a.Email != "" {
			l.address("authors."+key+".email", a.Email)
		}
		if a.URL != "" {
			l.httpURL("authors."+key+".url", a.URL)
		}
	}
}

func (l *loader) validatePosts() {
	p := l.cfg.Posts
	if p.Permalink == "" && l.cfg.Generator != nil {
		p.Permalink = "/{slug}" // the site's own rule applies: nothing of herald's to check
	}
	if !strings.HasPrefix(p.Permalink, "/") {
		l.fail("posts.permalink", fmt.Sprintf("want a path starting with /, got %q", p.Permalink))
	}
	for _, tok := range regexp.MustCompile(`\{[^}]*\}`).FindAllString(p.Permalink, -1) {
		if !slices.Contains([]string{"{year}", "{month}", "{day}", "{slug}", "{section}"}, tok) {
			l.fail("posts.permalink", fmt.Sprintf("unknown token %s (want {year} {month} {day} {slug} {section}) in %q", tok, p.Permalink))
		}
	}
	if !strings.Contains(p.Permalink, "{slug}") {
		l.fail("posts.permalink", fmt.Sprintf("must contain {slug} so that posts get distinct URLs, got %q", p.Permalink))
	}
	l.atLeast("posts.summary_words", p.SummaryWords, 1)
	l.atLeast("posts.max_size", p.MaxSize, 1)
}

func (l *loader) validateFeeds() {
	f := l.cfg.Feeds
	l.atLeast("feeds.limit", f.Limit, 1)
	if len(f.Formats) == 0 {
		l.fail("feeds.formats", `want at least one of "rss", "atom", "json"`)
	}
	for i, format := range f.Formats {
		l.oneOf("feeds.formats", format, "rss", "atom", "json")
		if slices.Contains(f.Formats[:i], format) {
			l.fail("feeds.formats", fmt.Sprintf("%q is listed twice", format))
		}
	}
	if f.Hub != "" {
		l.httpURL("feeds.hub", f.Hub)
	}
}

func (l *loader) validateServer() {
	s := &l.cfg.Server
	if _, port, err := net.SplitHostPort(s.Listen); err != nil || !validPort(port) {
		l.fail("server.listen", fmt.Sprintf("want host:port such as 127.0.0.1:8080, got %q", s.Listen))
	}
	l.httpURL("server.public_url", s.PublicURL)
	for _, k := range []string{"read_header_timeout", "read_timeout", "write_timeout", "idle_timeout", "shutdown_timeout"} {
		l.positive("server."+k, *l.byKey["server."+k].ptr(l.cfg).(*time.Duration))
	}
	l.atLeast("server.max_body_bytes", s.MaxBodyBytes, 1)
	l.atLeast("server.max_connections", s.MaxConnections, 1)
	if h := s.TrustedProxyHeader; h != "" {
		if strings.ContainsAny(h, " :\t\r\n") {
			l.fail("server.trusted_proxy_header", fmt.Sprintf("want a header name such as X-Forwarded-For, got %q", h))
		}
		s.TrustedProxyHeader = textproto.CanonicalMIMEHeaderKey(h)
	}
	l.atLeast("server.trusted_proxy_hops", s.TrustedProxyHops, 1)
	l.oneOf("log.format", l.cfg.Log.Format, "text", "json")
	l.oneOf("log.level", l.cfg.Log.Level, "debug", "info", "warn", "error")
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

func (l *loader) validateStore() {
	s := l.cfg.Store
	if !l.oneOf("store.driver", s.Driver, "sqlite", "postgres") {
		return
	}
	if s.Driver == "postgres" && s.DSN == "" {
		l.missing("store.dsn", "store", " with driver postgres (or set env DATABASE_URL)")
	}
}

func (l *loader) validateSubscribers() {
	s := l.cfg.Subscribers
	if s.Secret != "" && len(s.Secret) < minSecretLen {
		key := "subscribers.secret"
		if s.SecretFile != "" {
			key = "subscribers.secret_file"
		}
		l.fail(key, fmt.Sprintf("the secret is %d bytes, want at least %d", len(s.Secret), minSecretLen))
	}
	l.positive("subscribers.confirm_ttl", s.ConfirmTTL)
	l.atLeast("subscribers.rate_per_ip", s.RatePerIP, 1)
	l.atLeast("subscribers.rate_per_address", s.RatePerAddress, 1)
	for _, o := range s.FormOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			l.fail("subscribers.form_origins", fmt.Sprintf("want an origin such as https://blog.example.com, got %q", o))
		}
	}
}

// required reports whether value is set, recording a problem when not.
func (l *loader) required(key, value string) bool {
	if value != "" {
		return true
	}
	l.missing(key, key[:strings.LastIndex(key, ".")], "")
	return false
}

// oneOf reports whether value is allowed, recording a problem when not.
func (l *loader) oneOf(key, value string, allowed ...string) bool {
	if slices.Contains(allowed, value) {
		return true
	}
	l.fail(key, fmt.Sprintf("want one of %s, got %q", quoteAll(allowed), value))
	return false
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func (l *loader) atLeast(key string, n, least int) {
	if n < least {
		l.fail(key, fmt.Sprintf("want at least %d, got %d", least, n))
	}
}

func (l *loader) positive(key string, d time.Duration) {
	if d <= 0 {
		l.fail(key, fmt.Sprintf("want a duration above zero, got %s", d))
	}
}

// httpURL checks that raw is an absolute http or https URL.
func (l *loader) httpURL(key, raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		l.fail(key, fmt.Sprintf("want an absolute http(s) URL such as https://example.com, got %q", raw))
	}
}

// address checks that raw is a bare email address.
func (l *loader) address(key, raw string) {
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Name != "" || a.Address != raw {
		l.fail(key, fmt.Sprintf("want an address such as news@example.com, got %q", raw))
	}
}

// zone loads an IANA time zone, falling back to UTC after a problem.
func (l *loader) zone(key, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		l.fail(key, fmt.Sprintf("want an IANA time zone such as Europe/Paris, got %q", name))
		return time.UTC
	}
	return loc
}

// listIDRE matches a List-Id (RFC 2919): a dot-atom id, bare or in angle
// brackets after a description.
var listIDRE = regexp.MustCompile("^(?:[^<>]*<" + dotAtom + ">|" + dotAtom + ")$")

const dotAtom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"

func (l *loader) validateNewsletter() {
	n := &l.cfg.Newsletter
	if strings.HasPrefix(n.Schedule, "TZ=") || strings.HasPrefix(n.Schedule, "CRON_TZ=") {
		l.fail("newsletter.schedule", fmt.Sprintf("set newsletter.time_zone instead of a TZ= prefix in %q", n.Schedule))
	} else if _, err := CronParser().Parse(n.Schedule); err != nil {
		l.fail("newsletter.schedule", fmt.Sprintf("%v: %q", err, n.Schedule))
	}
	n.Location = l.cfg.Site.Location
	if l.isSet("newsletter.time_zone") {
		n.Location = l.zone("newsletter.time_zone", n.TimeZone)
	}
	l.oneOf("newsletter.mode", n.Mode, "digest", "per-post")
	l.oneOf("newsletter.after_vacation", n.AfterVacation, "catch-up", "skip")
	l.positive("newsletter.max_late", n.MaxLate)
	l.positive("newsletter.max_backdate", n.MaxBackdate)
	if _, err := template.New("subject").Parse(n.Subject); err != nil {
		l.fail("newsletter.subject", fmt.Sprintf("bad template: %v", err))
	}
	if l.isSet("newsletter.list_id") && !listIDRE.MatchString(n.ListID) {
		l.fail("newsletter.list_id", fmt.Sprintf(`want "list.example.com" or "Description <list.example.com>" (RFC 2919), got %q`, n.ListID))
	}
	l.atLeast("newsletter.bounce_limit", n.BounceLimit, 0)
	l.atLeast("newsletter.max_attempts", n.MaxAttempts, 1)
	l.positive("newsletter.retry_base", n.RetryBase)
	if n.Enabled && l.cfg.SMTP.From == "" {
		l.missing("smtp.from", "smtp", " when newsletter.enabled is true")
	}
}
