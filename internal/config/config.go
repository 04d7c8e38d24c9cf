package config

import (
	"crypto"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/heraldhq/herald/internal/siteconfig"
	"github.com/heraldhq/herald/templates"
)

// Config is herald's effective configuration: the file, its defaults and the
// environment overrides, validated. Load returns a new *Config every time and
// nothing mutates it afterwards, so a daemon can swap the whole value
// atomically on reload (e.g. with atomic.Pointer[Config]). Paths are absolute.
type Config struct {
	File         string // absolute path of the config file
	DataDir      string // database, signing secret, outbox, record of published ids
	TemplatesDir string // operator overrides of the embedded templates; empty: none
	// Templates are the templates as Load found them: the files of
	// TemplatesDir, read then, over the embedded ones (see templates.Read).
	// Nil in a Config not made by Load: use TemplateFS.
	Templates fs.FS

	Site        Site
	Authors     map[string]Author // by key; empty, never nil
	Posts       Posts
	Feeds       Feeds
	Server      Server
	Log         Log
	Store       Store
	Subscribers Subscribers
	SMTP        SMTP
	DKIM        DKIM
	Newsletter  Newsletter
	Vacations   []Vacation // in file order; may overlap

	// Generator is the Hugo or Jekyll site posts.dir lies in; nil for a
	// plain folder. Site values herald.toml does not set come from it.
	Generator *siteconfig.Site

	// Warnings are problems that do not stop herald, such as an unknown
	// HERALD_* environment variable. The caller logs them.
	Warnings []string

	sources map[string]string // concrete key -> "default", "FILE:LINE", "env NAME"
	order   []string          // concrete keys in reference order
	values  map[string]string // concrete key -> unmasked display value
	file    string            // the file as named to Load, for KeyError
	loc     map[string]pos    // where each key is in the file
}

// KeyError is a problem with key's value found after Load (a folder that
// is missing, say), placed like Load's own: "FILE:LINE:COL: key: msg" when
// the file sets key, "FILE: env NAME: key: msg" when the environment does,
// else at key's table or "FILE: key: msg".
func (c *Config) KeyError(key, msg string) *Error {
	return keyError(c.file, c.loc, c.Source(key), key, msg)
}

// CheckPostsDir reports, as a KeyError on posts.dir, a posts folder that is
// missing or not a folder.
func (c *Config) CheckPostsDir() error {
	info, err := os.Stat(c.Posts.Dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return c.KeyError("posts.dir", fmt.Sprintf("folder %s does not exist: create it, or point posts.dir at the folder of your posts (a Hugo or Jekyll content folder works as it is)", c.Posts.Dir))
	case err != nil:
		return c.KeyError("posts.dir", fmt.Sprintf("cannot read folder %s: %v", c.Posts.Dir, err))
	case !info.IsDir():
		return c.KeyError("posts.dir", fmt.Sprintf("%s is a file, not a folder", c.Posts.Dir))
	}
	return nil
}

// Site describes the blog the feeds and emails point at.
type Site struct {
	Title       string
	Description string
	BaseURL     string // absolute http(s) URL without a trailing slash
	Language    string
	TimeZone    string         // IANA name
	Location    *time.Location // TimeZone loaded; never nil after Load
	Icon        string         // URL; empty: none
}

// Author is one [authors.<key>] table.
type Author struct {
	Key       string
	Name      string
	Email     string
	ShowEmail bool // when false the address never appears in feeds or pages
	URL       string
	Bio       string
}

// Posts says where the Markdown files are and how their URLs look.
type Posts struct {
	Dir          string
	Permalink    string // pattern with {year} {month} {day} {slug} {section}
	SummaryWords int
	MaxSize      int // largest post file read, in bytes
}

// Feeds says which feeds are written where.
type Feeds struct {
	OutputDir  string
	Limit      int      // newest posts per feed, at least 1
	Formats    []string // subset of "rss", "atom", "json", no duplicates
	PerTag     bool
	PerAuthor  bool
	Hub        string // WebSub hub URL; empty: none
	Stylesheet bool   // reference the embedded XSL from RSS and Atom
}

// Server holds the HTTP server's settings.
type Server struct {
	Listen             string // host:port
	PublicURL          string // where herald is reachable, without a trailing slash
	ReadHeaderTimeout  time.Duration
	ReadTimeout        time.Duration
	WriteTimeout       time.Duration
	IdleTimeout        time.Duration
	MaxBodyBytes       int
	ShutdownTimeout    time.Duration
	Debounce           time.Duration // file-watch burst window
	TrustedProxyHeader string        // canonical header name; empty: use the peer address
	TrustedProxyHops   int           // trusted proxies in front, each adding one entry; at least 1
	MaxConnections     int           // connections held open at once; past it idle ones are closed
}

// Log selects the log handler.
type Log struct {
	Format string // "text" or "json"
	Level  string // "debug", "info", "warn" or "error"
}

// SlogLevel returns Level as a slog.Level.
func (l Log) SlogLevel() slog.Level {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(l.Level)) // validated by Load
	return lv
}

// Store selects the database.
type Store struct {
	Driver string // "sqlite" or "postgres"
	DSN    string // sqlite: absolute file path; postgres: connection string
}

// Subscribers holds the subscription settings.
type Subscribers struct {
	// Secret signs link tokens. Load fills it from SecretFile when that is
	// set. Empty: the caller generates one (and keeps it in the data folder
	// or the database).
	Secret                string
	SecretFile            string
	ConfirmTTL            time.Duration
	ConfirmResendInterval time.Duration
	RatePerIP             int // subscribe requests per IP per hour
	RatePerAddress        int // confirmation emails per address per hour
	FormOrigins           []string
	Welcome               bool
}

// SMTP holds the mail relay settings. Load fills Host, Port, TLS, Auth,
// Username and Password from URL when URL is set, and Password from
// PasswordFile when that is set. An empty Host means no relay: messages are
// written to OutboxDir instead.
type SMTP struct {
	URL          string
	Host         string
	Port         int    // set from TLS when not given: 465, 587 or 25
	TLS          string // "implicit", "starttls", "opportunistic" or "none"
	Auth         string // "plain", "login", "cram-md5" or "none"
	Username     string
	Password     string
	PasswordFile string
	From         string // bare address; required when the newsletter is enabled
	FromName     string
	ReplyTo      string
	Helo         string
	Connections  int
	Rate         float64            // messages per second; 0: unlimited
	DomainRates  map[string]float64 // recipient domain (lower case) -> messages per second
	Timeout      time.Duration
	GiveUpAfter  time.Duration // herald send stops after trying an unusable relay this long
	Pipelining   bool          // send MAIL, RCPT and DATA together when the relay offers PIPELINING
	OutboxDir    string        // <data_dir>/outbox when Host is empty, else empty
}

// DKIM holds the signing settings. Key is nil when KeyFile is empty.
type DKIM struct {
	Domain   string
	Selector string
	KeyFile  string
	Key      crypto.Signer // parsed from KeyFile (RSA or Ed25519)
	// The second key: an Ed25519 key signing beside an RSA Key (RFC 8463),
	// under its own selector. Ed25519Key is nil when Ed25519KeyFile is empty.
	Ed25519Selector string
	Ed25519KeyFile  string
	Ed25519Key      crypto.Signer
}

// Newsletter holds the schedule and delivery policy.
type Newsletter struct {
	Enabled       bool
	Schedule      string // cron spec, five fields or a @descriptor
	TimeZone      string
	Location      *time.Location // never nil after Load
	Mode          string         // "digest" or "per-post"
	AfterVacation string         // "catch-up" or "skip"
	MaxLate       time.Duration
	MaxBackdate   time.Duration // a post dated this much before it appeared is an archive import
	Subject       string        // text/template source
	ListID        string
	BounceLimit   int
	MaxAttempts   int
	RetryBase     time.Duration
}

// Vacation is one [[vacation]] period: runs at From or later and before
// Until do not send. Line is the line of the entry's "from" key (0 if unknown).
type Vacation struct {
	From  time.Time
	Until time.Time
	Note  string
	Line  int
}

// TemplateFS returns the templates Load read, or, in a Config built by
// hand, those of TemplatesDir as they are on disk.
func (c *Config) TemplateFS() fs.FS {
	if c.Templates != nil {
		return c.Templates
	}
	return templates.FS(c.TemplatesDir)
}
