package newsletter

import (
	"github.com/heraldhq/herald/internal/clock"

	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	netmail "net/mail"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/subscriber"
)

// Mode says how posts are grouped into emails.
type Mode string

const (
	// Digest sends one email per run with every new post.
	Digest Mode = "digest"
	// PerPost sends one email per new post. Each post of a run gets its own
	// issue, keyed "<run key>/<post id>", so every message has its own
	// ledger row and Message-ID; the run's own issue records the window.
	PerPost Mode = "per-post"
)

// AfterVacation says what happens to the posts published during a vacation.
type AfterVacation string

const (
	CatchUp     AfterVacation = "catch-up" // the first run after sends them
	SkipPending AfterVacation = "skip"     // they are never mailed
)

// Site describes the blog for the templates.
type Site struct {
	Title    string
	URL      string // the blog's base URL, absolute
	Language string // the lang attribute of the HTML part; default "en"
	// Location is the zone posts are dated in (site.time_zone): their dates
	// show in it, so a date-only post keeps its calendar day whatever the
	// schedule's zone. Default the schedule's location.
	Location *time.Location
}

// Options configures a Newsletter. Store, Transport, Posts, Schedule,
// From, Links and Templates are required; every other zero value takes the
// default named on the field.
type Options struct {
	Store     Store
	Transport mail.Transport
	// Posts returns the published posts, newest first (a library snapshot).
	Posts    func() []*post.Post
	Schedule *schedule.Schedule

	Mode          Mode          // default Digest
	AfterVacation AfterVacation // default CatchUp
	MaxLate       time.Duration // a missed run later than this is skipped; default 6h
	// MaxBackdate: a post dated more than this before herald first saw it
	// is an archive import, never mailed. Default DefaultMaxBackdate (7
	// days); negative: no limit.
	MaxBackdate time.Duration

	From    netmail.Address // sender; its domain is the Message-ID domain
	ReplyTo string          // optional
	ListID  string          // List-Id value, e.g. "My blog <news.example.com>"; default from the From domain
	Subject string          // subject template; overrides email/subject.txt when not empty
	// PublicURL is herald's own absolute URL (not the blog's).
	PublicURL string
	// Links returns the one-click unsubscribe URL (https, used in the
	// List-Unsubscribe header) and the preferences URL of a subscriber.
	Links     func(sub subscriber.Subscriber) (unsubscribeURL, preferencesURL string)
	Templates fs.FS // holds email/newsletter.html, email/newsletter.txt, email/subject.txt
	Site      Site

	Workers     int           // parallel senders (SMTP connections); default 1
	Batch       int           // deliveries claimed at once per worker; default 50
	BounceLimit int           // permanent failures before a subscriber is bounced; 0 never
	MaxAttempts int           // attempts before a temporary failure becomes final; default 5
	RetryBase   time.Duration // first retry delay, doubled each attempt, with jitter; default 1m
	Owner       string        // this instance's id for leases; default "<hostname>-<pid>"
	// Lease is how long claimed deliveries stay ours without renewal; a
	// live sender renews it every third of it, so the claims of a dead one
	// come back to the others within Lease. Default 15s.
	Lease time.Duration
	// GiveUp, when set, makes a send stop rather than wait: on a relay it
	// cannot use (unreachable, a 4xx at connect) after trying for GiveUp,
	// and when only retries are left and nothing was accepted for GiveUp
	// (`herald send` in the foreground). Zero keeps trying (the daemon).
	GiveUp time.Duration

	Clock      clock.Clock  // default the system clock
	Logger     *slog.Logger // default slog.Default()
	Registerer prometheus.Registerer
	// IsTemporary classifies a Transport error: true retries later, false
	// fails the delivery for good. Default: 4xx codes, dropped connections
	// and timeouts are temporary.
	IsTemporary func(error) bool
}

// ErrBadOptions wraps every reason New refuses its Options.
var ErrBadOptions = errors.New("invalid newsletter options")

func (o *Options) check() error {
	var missing []string
	for name, ok := range map[string]bool{
		"Store": o.Store != nil, "Transport": o.Transport != nil, "Posts": o.Posts != nil,
		"Schedule": o.Schedule != nil, "Links": o.Links != nil, "Templates": o.Templates != nil,
	} {
		if !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: missing %s", ErrBadOptions, strings.Join(missing, ", "))
	}
	if _, err := netmail.ParseAddress(o.From.Address); err != nil || !strings.Contains(o.From.Address, "@") {
		return fmt.Errorf("%w: from address %q", ErrBadOptions, o.From.Address)
	}
	if o.Mode != "" && o.Mode != Digest && o.Mode != PerPost {
		return fmt.Errorf("%w: mode %q is not digest or per-post", ErrBadOptions, o.Mode)
	}
	if o.AfterVacation != "" && o.AfterVacation != CatchUp && o.AfterVacation != SkipPending {
		return fmt.Errorf("%w: after_vacation %q is not catch-up or skip", ErrBadOptions, o.AfterVacation)
	}
	if o.Workers < 0 || o.Batch < 0 || o.MaxAttempts < 0 || o.BounceLimit < 0 || o.Lease < 0 || o.GiveUp < 0 {
		return fmt.Errorf("%w: negative count", ErrBadOptions)
	}
	return nil
}

func (o *Options) defaults() {
	o.Mode = cmpOr(o.Mode, Digest)
	o.AfterVacation = cmpOr(o.AfterVacation, CatchUp)
	o.MaxLate = cmpOr(o.MaxLate, 6*time.Hour)
	o.MaxBackdate = cmpOr(o.MaxBackdate, DefaultMaxBackdate)
	o.Workers = cmpOr(o.Workers, 1)
	o.Batch = cmpOr(o.Batch, 50)
	o.MaxAttempts = cmpOr(o.MaxAttempts, 5)
	o.RetryBase = cmpOr(o.RetryBase, time.Minute)
	o.Lease = cmpOr(o.Lease, 15*time.Second)
	o.Site.Language = cmpOr(o.Site.Language, "en")
	o.ListID = cmpOr(o.ListID, "<newsletter."+domainOf(o.From.Address)+">")
	if o.Owner == "" {
		host, _ := os.Hostname()
		o.Owner = fmt.Sprintf("%s-%d", cmpOr(host, "herald"), os.Getpid())
	}
	o.Clock = clock.Or(o.Clock)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.IsTemporary == nil {
		o.IsTemporary = mail.Temporary
	}
}

// cmpOr returns v unless it is the zero value, else def.
func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func domainOf(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}
