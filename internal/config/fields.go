package config

// kind is the type of a key's value.
type kind int

const (
	kString   kind = iota
	kPath          // a string resolved against the config file's folder
	kInt           // TOML integer
	kFloat         // TOML float or integer
	kBool          // TOML boolean
	kDuration      // string for time.ParseDuration
	kStrings       // array of strings; comma-separated in the environment
	kRates         // table domain -> number; "a=1,b=2" in the environment
	kTime          // date or date-time (vacations only)
)

// String names the kind in messages and in the reference.
func (k kind) String() string {
	return [...]string{"string", "path", "integer", "number", "boolean", "duration",
		"list of strings", "table of numbers", "date or date-time"}[k]
}

// field describes one key. Keys of authors and vacations have no ptr: they
// are decoded per entry and cannot be set from the environment.
type field struct {
	key     string
	kind    kind
	def     string // literal default, decoded like an environment value; "" none
	defDoc  string // default as documented when it is derived, not literal
	doc     string
	secret  bool // value masked in Settings
	restart bool // a change needs a restart
	touches Part // what a reload rebuilds when it changes
	ptr     func(c *Config) any
}

// fields returns the reference: every key, in the order of the docs.
// It builds a new slice each call (no package state).
func fields() []field {
	return []field{
		{key: "data_dir", kind: kPath, touches: TouchFeeds, def: "data", restart: true, ptr: func(c *Config) any { return &c.DataDir },
			doc: "Folder for the database, signing secret, outbox and record of published ids."},
		{key: "templates_dir", kind: kPath, touches: TouchFeeds | TouchWeb | TouchNewsletter, ptr: func(c *Config) any { return &c.TemplatesDir },
			doc: "Folder whose files override the embedded templates of the same path."},

		{key: "site.title", kind: kString, touches: TouchFeeds | TouchWeb | TouchNewsletter, defDoc: "required", ptr: func(c *Config) any { return &c.Site.Title },
			doc: "Title of the blog, in feeds and emails."},
		{key: "site.description", kind: kString, touches: TouchFeeds | TouchWeb | TouchNewsletter, ptr: func(c *Config) any { return &c.Site.Description },
			doc: "One-line description of the blog."},
		{key: "site.base_url", kind: kString, touches: TouchFeeds | TouchWeb | TouchNewsletter, defDoc: "required", ptr: func(c *Config) any { return &c.Site.BaseURL },
			doc: "Absolute http(s) URL of the blog; permalinks are built on it."},
		{key: "site.language", kind: kString, touches: TouchFeeds | TouchWeb | TouchNewsletter, def: "en", ptr: func(c *Config) any { return &c.Site.Language },
			doc: "Language tag of the posts (BCP 47)."},
		{key: "site.time_zone", kind: kString, touches: TouchFeeds | TouchWeb | TouchNewsletter, def: "UTC", ptr: func(c *Config) any { return &c.Site.TimeZone },
			doc: "IANA time zone of post dates written without an offset."},
		{key: "site.icon", kind: kString, touches: TouchFeeds | TouchWeb | TouchNewsletter, ptr: func(c *Config) any { return &c.Site.Icon },
			doc: "Absolute URL of the blog's icon."},

		{key: "authors.*.name", kind: kString, touches: TouchFeeds, defDoc: "required", doc: "Display name of the author with this key."},
		{key: "authors.*.email", kind: kString, touches: TouchFeeds, doc: "Email address of the author."},
		{key: "authors.*.show_email", kind: kBool, touches: TouchFeeds, defDoc: "false", doc: "Show the address in feeds and pages."},
		{key: "authors.*.url", kind: kString, touches: TouchFeeds, doc: "Absolute URL of the author's page."},
		{key: "authors.*.bio", kind: kString, touches: TouchFeeds, doc: "Short biography."},

		{key: "posts.dir", kind: kPath, touches: TouchFeeds, def: "posts", ptr: func(c *Config) any { return &c.Posts.Dir },
			doc: "Folder of Markdown posts (a Hugo or Jekyll content folder works)."},
		{key: "posts.permalink", kind: kString, touches: TouchFeeds, def: "/{year}/{month}/{slug}/", ptr: func(c *Config) any { return &c.Posts.Permalink },
			doc: "Path of a post under site.base_url; tokens {year} {month} {day} {slug} {section}. Unset in a Hugo or Jekyll site: the site's own URLs."},
		{key: "posts.summary_words", kind: kInt, touches: TouchFeeds, def: "60", ptr: func(c *Config) any { return &c.Posts.SummaryWords },
			doc: "Words kept in a summary taken from the body."},
		{key: "posts.max_size", kind: kInt, touches: TouchFeeds, def: "4194304", ptr: func(c *Config) any { return &c.Posts.MaxSize },
			doc: "Largest post file read, in bytes; a larger one is skipped with an error naming it."},

		{key: "feeds.output_dir", kind: kPath, touches: TouchFeeds, defDoc: "<data_dir>/feeds", ptr: func(c *Config) any { return &c.Feeds.OutputDir },
			doc: "Folder the feed files are written to."},
		{key: "feeds.limit", kind: kInt, touches: TouchFeeds, def: "20", ptr: func(c *Config) any { return &c.Feeds.Limit },
			doc: "Newest posts in each feed (at least 1)."},
		{key: "feeds.formats", kind: kStrings, touches: TouchFeeds, def: "rss,atom,json", ptr: func(c *Config) any { return &c.Feeds.Formats },
			doc: `Formats written: any of "rss", "atom", "json".`},
		{key: "feeds.per_tag", kind: kBool, touches: TouchFeeds, def: "true", ptr: func(c *Config) any { return &c.Feeds.PerTag },
			doc: "Write a feed for each tag."},
		{key: "feeds.per_author", kind: kBool, touches: TouchFeeds, def: "true", ptr: func(c *Config) any { return &c.Feeds.PerAuthor },
			doc: "Write a feed for each author."},
		{key: "feeds.hub", kind: kString, touches: TouchFeeds, ptr: func(c *Config) any { return &c.Feeds.Hub },
			doc: `WebSub hub URL, added as rel="hub" to every feed; herald serve notifies it when a feed changes.`},
		{key: "feeds.stylesheet", kind: kBool, touches: TouchFeeds, def: "true", ptr: func(c *Config) any { return &c.Feeds.Stylesheet },
			doc: "Reference the embedded XSL stylesheet from RSS and Atom, and write the HTML view of the feeds (index.html, served at /feeds/)."},

		{key: "server.listen", kind: kString, def: "127.0.0.1:8080", restart: true, ptr: func(c *Config) any { return &c.Server.Listen },
			doc: "Address the HTTP server listens on (host:port)."},
		{key: "server.public_url", kind: kString, touches: TouchFeeds | TouchWeb | TouchNewsletter, defDoc: "http://<server.listen>", ptr: func(c *Config) any { return &c.Server.PublicURL },
			doc: "URL where herald itself is reachable, for feed self links and email links. Unset, it follows server.listen; herald serve warns when it names another port of this machine."},
		{key: "server.read_header_timeout", kind: kDuration, def: "5s", restart: true, ptr: func(c *Config) any { return &c.Server.ReadHeaderTimeout },
			doc: "Time allowed to read a request's headers."},
		{key: "server.read_timeout", kind: kDuration, def: "10s", restart: true, ptr: func(c *Config) any { return &c.Server.ReadTimeout },
			doc: "Time allowed to read a whole request."},
		{key: "server.write_timeout", kind: kDuration, def: "30s", restart: true, ptr: func(c *Config) any { return &c.Server.WriteTimeout },
			doc: "Time allowed to write a response."},
		{key: "server.idle_timeout", kind: kDuration, def: "120s", restart: true, ptr: func(c *Config) any { return &c.Server.IdleTimeout },
			doc: "Time an idle keep-alive connection stays open."},
		{key: "server.max_body_bytes", kind: kInt, touches: TouchWeb, def: "65536", ptr: func(c *Config) any { return &c.Server.MaxBodyBytes },
			doc: "Largest request body accepted, in bytes."},
		{key: "server.shutdown_timeout", kind: kDuration, touches: TouchDaemon, def: "10s", ptr: func(c *Config) any { return &c.Server.ShutdownTimeout },
			doc: "Time in-flight work gets to finish on SIGINT or SIGTERM."},
		{key: "server.debounce", kind: kDuration, def: "100ms", restart: true, ptr: func(c *Config) any { return &c.Server.Debounce },
			doc: "Quiet time after a burst of file events before rebuilding."},
		{key: "server.trusted_proxy_header", kind: kString, touches: TouchWeb, ptr: func(c *Config) any { return &c.Server.TrustedProxyHeader },
			doc: "Header holding the client address set by a reverse proxy: X-Forwarded-For, X-Real-IP or Forwarded (RFC 7239)."},
		{key: "server.max_connections", kind: kInt, def: "1024", restart: true, ptr: func(c *Config) any { return &c.Server.MaxConnections },
			doc: "Connections held open at once; past it the longest idle keep-alive connection is closed, or the new one when none is idle."},
		{key: "server.trusted_proxy_hops", kind: kInt, touches: TouchWeb, def: "1", ptr: func(c *Config) any { return &c.Server.TrustedProxyHops },
			doc: "Trusted proxies in front of herald, each adding one address to that header; the client is that many from the right."},

		{key: "log.format", kind: kString, def: "text", restart: true, ptr: func(c *Config) any { return &c.Log.Format },
			doc: `"text" or "json".`},
		{key: "log.level", kind: kString, touches: TouchDaemon, def: "info", ptr: func(c *Config) any { return &c.Log.Level },
			doc: `"debug", "info", "warn" or "error".`},

		{key: "store.driver", kind: kString, def: "sqlite", restart: true, ptr: func(c *Config) any { return &c.Store.Driver },
			doc: `"sqlite" (embedded) or "postgres".`},
		{key: "store.dsn", kind: kString, defDoc: "sqlite: <data_dir>/herald.db; postgres: env DATABASE_URL", secret: true, restart: true,
			ptr: func(c *Config) any { return &c.Store.DSN }, doc: "SQLite file or PostgreSQL connection string (password masked)."},

		{key: "subscribers.secret", kind: kString, secret: true, restart: true, ptr: func(c *Config) any { return &c.Subscribers.Secret },
			doc: "Secret signing the links in emails (at least 32 bytes); generated when unset."},
		{key: "subscribers.secret_file", kind: kPath, restart: true, ptr: func(c *Config) any { return &c.Subscribers.SecretFile },
			doc: "File holding the signing secret instead."},
		{key: "subscribers.confirm_ttl", kind: kDuration, touches: TouchWeb, def: "72h", ptr: func(c *Config) any { return &c.Subscribers.ConfirmTTL },
			doc: "How long a confirmation link works."},
		{key: "subscribers.confirm_resend_interval", kind: kDuration, touches: TouchWeb, def: "1h", ptr: func(c *Config) any { return &c.Subscribers.ConfirmResendInterval },
			doc: "Least time between two confirmation emails to a pending address."},
		{key: "subscribers.rate_per_ip", kind: kInt, touches: TouchWeb, def: "10", ptr: func(c *Config) any { return &c.Subscribers.RatePerIP },
			doc: "Subscribe requests allowed per client IP per hour."},
		{key: "subscribers.rate_per_address", kind: kInt, touches: TouchWeb, def: "3", ptr: func(c *Config) any { return &c.Subscribers.RatePerAddress },
			doc: "Confirmation emails sent to one address per hour; past it the form answers as usual and sends nothing."},
		{key: "subscribers.form_origins", kind: kStrings, touches: TouchWeb, ptr: func(c *Config) any { return &c.Subscribers.FormOrigins },
			doc: "Origins (scheme://host[:port]) allowed to post the subscribe form from another site."},
		{key: "subscribers.welcome", kind: kBool, touches: TouchWeb, def: "true", ptr: func(c *Config) any { return &c.Subscribers.Welcome },
			doc: "Send a welcome email after confirming."},

		{key: "smtp.url", kind: kString, touches: TouchMail, secret: true, ptr: func(c *Config) any { return &c.SMTP.URL },
			doc: "Relay as a URL: smtp[s]://user[:password]@host[:port][?tls=...&auth=...]; excludes smtp.host."},
		{key: "smtp.host", kind: kString, touches: TouchMail, ptr: func(c *Config) any { return &c.SMTP.Host },
			doc: "Relay host name; with no host and no url, messages go to <data_dir>/outbox."},
		{key: "smtp.port", kind: kInt, touches: TouchMail, defDoc: "465 (implicit), 587 (starttls), 25 (other)", ptr: func(c *Config) any { return &c.SMTP.Port },
			doc: "Relay port."},
		{key: "smtp.tls", kind: kString, touches: TouchMail, defDoc: "starttls (implicit for smtps://)", ptr: func(c *Config) any { return &c.SMTP.TLS },
			doc: `"implicit", "starttls" (required), "opportunistic" or "none".`},
		{key: "smtp.auth", kind: kString, touches: TouchMail, defDoc: "plain with a username, else none", ptr: func(c *Config) any { return &c.SMTP.Auth },
			doc: `"plain", "login", "cram-md5" or "none".`},
		{key: "smtp.username", kind: kString, touches: TouchMail, ptr: func(c *Config) any { return &c.SMTP.Username },
			doc: "User name for SMTP authentication."},
		{key: "smtp.password", kind: kString, touches: TouchMail, secret: true, ptr: func(c *Config) any { return &c.SMTP.Password },
			doc: "Password for SMTP authentication; prefer the environment or password_file."},
		{key: "smtp.password_file", kind: kPath, touches: TouchMail, ptr: func(c *Config) any { return &c.SMTP.PasswordFile },
			doc: "File holding the SMTP password."},
		{key: "smtp.from", kind: kString, touches: TouchMail, defDoc: "required with the newsletter", ptr: func(c *Config) any { return &c.SMTP.From },
			doc: "Sender address of every email."},
		{key: "smtp.from_name", kind: kString, touches: TouchMail, ptr: func(c *Config) any { return &c.SMTP.FromName },
			doc: "Sender display name."},
		{key: "smtp.reply_to", kind: kString, touches: TouchMail, ptr: func(c *Config) any { return &c.SMTP.ReplyTo },
			doc: "Reply-To address."},
		{key: "smtp.helo", kind: kString, touches: TouchMail, ptr: func(c *Config) any { return &c.SMTP.Helo },
			doc: "Host name sent in HELO/EHLO; empty: the machine's name."},
		{key: "smtp.connections", kind: kInt, touches: TouchMail, def: "2", ptr: func(c *Config) any { return &c.SMTP.Connections },
			doc: "Parallel connections to the relay."},
		{key: "smtp.rate", kind: kFloat, touches: TouchMail, def: "0", ptr: func(c *Config) any { return &c.SMTP.Rate },
			doc: "Messages per second over all connections; 0 is unlimited."},
		{key: "smtp.domain_rates", kind: kRates, touches: TouchMail, ptr: func(c *Config) any { return &c.SMTP.DomainRates },
			doc: "Messages per second per recipient domain, e.g. { \"gmail.com\" = 5 }."},
		{key: "smtp.timeout", kind: kDuration, touches: TouchMail, def: "30s", ptr: func(c *Config) any { return &c.SMTP.Timeout },
			doc: "Time allowed for each SMTP command."},
		{key: "smtp.give_up_after", kind: kDuration, touches: TouchNewsletter, def: "60s", ptr: func(c *Config) any { return &c.SMTP.GiveUpAfter },
			doc: "How long herald send keeps trying a relay it cannot use, or waits for retries, before it stops and exits non-zero (herald serve keeps trying)."},
		{key: "smtp.pipelining", kind: kBool, touches: TouchMail, def: "true", ptr: func(c *Config) any { return &c.SMTP.Pipelining },
			doc: "Send MAIL, RCPT and DATA together when the relay offers PIPELINING (RFC 2920); false for a relay that mishandles it."},

		{key: "dkim.domain", kind: kString, touches: TouchMail, ptr: func(c *Config) any { return &c.DKIM.Domain },
			doc: "Signing domain (d=); required with key_file."},
		{key: "dkim.selector", kind: kString, touches: TouchMail, ptr: func(c *Config) any { return &c.DKIM.Selector },
			doc: "Selector (s=); required with key_file."},
		{key: "dkim.key_file", kind: kPath, touches: TouchMail, ptr: func(c *Config) any { return &c.DKIM.KeyFile },
			doc: "PEM private key, RSA (2048 bits) or Ed25519; empty: no signing. Gmail, Yahoo and Outlook verify only RSA."},
		{key: "dkim.ed25519_selector", kind: kString, touches: TouchMail, ptr: func(c *Config) any { return &c.DKIM.Ed25519Selector },
			doc: "Selector of the second key; required with ed25519_key_file."},
		{key: "dkim.ed25519_key_file", kind: kPath, touches: TouchMail, ptr: func(c *Config) any { return &c.DKIM.Ed25519KeyFile },
			doc: "PEM Ed25519 private key signing beside the RSA key_file: two signatures per message."},

		{key: "newsletter.enabled", kind: kBool, touches: TouchNewsletter, def: "false", ptr: func(c *Config) any { return &c.Newsletter.Enabled },
			doc: "Send scheduled issues."},
		{key: "newsletter.schedule", kind: kString, touches: TouchSchedule, def: "0 9 * * 1", ptr: func(c *Config) any { return &c.Newsletter.Schedule },
			doc: "Cron spec (five fields or @daily, @weekly, ...) in newsletter.time_zone."},
		{key: "newsletter.time_zone", kind: kString, touches: TouchSchedule, defDoc: "site.time_zone", ptr: func(c *Config) any { return &c.Newsletter.TimeZone },
			doc: "IANA time zone of the schedule and the vacations."},
		{key: "newsletter.mode", kind: kString, touches: TouchNewsletter, def: "digest", ptr: func(c *Config) any { return &c.Newsletter.Mode },
			doc: `"digest" (one email per run) or "per-post".`},
		{key: "newsletter.after_vacation", kind: kString, touches: TouchNewsletter, def: "catch-up", ptr: func(c *Config) any { return &c.Newsletter.AfterVacation },
			doc: `"catch-up" mails posts from a vacation in the next issue; "skip" never mails them.`},
		{key: "newsletter.max_late", kind: kDuration, touches: TouchNewsletter, def: "6h", ptr: func(c *Config) any { return &c.Newsletter.MaxLate },
			doc: "A run missed while down is still sent if less late than this."},
		{key: "newsletter.max_backdate", kind: kDuration, touches: TouchNewsletter, def: "168h", ptr: func(c *Config) any { return &c.Newsletter.MaxBackdate },
			doc: "A post dated more than this before herald first saw it (7 days by default) is an archive import and is never mailed."},
		{key: "newsletter.subject", kind: kString, touches: TouchNewsletter, def: "", ptr: func(c *Config) any { return &c.Newsletter.Subject },
			doc: "Subject line, a Go text/template."},
		{key: "newsletter.list_id", kind: kString, touches: TouchNewsletter, defDoc: "host of site.base_url", ptr: func(c *Config) any { return &c.Newsletter.ListID },
			doc: "List-Id header value."},
		{key: "newsletter.bounce_limit", kind: kInt, touches: TouchNewsletter, def: "3", ptr: func(c *Config) any { return &c.Newsletter.BounceLimit },
			doc: "Permanent failures before a subscriber is marked bounced; 0 never."},
		{key: "newsletter.max_attempts", kind: kInt, touches: TouchNewsletter, def: "8", ptr: func(c *Config) any { return &c.Newsletter.MaxAttempts },
			doc: "Attempts per delivery before it is marked failed."},
		{key: "newsletter.retry_base", kind: kDuration, touches: TouchNewsletter, def: "1m", ptr: func(c *Config) any { return &c.Newsletter.RetryBase },
			doc: "First retry delay; doubled on each attempt, with jitter."},

		{key: "vacation[].from", kind: kTime, touches: TouchSchedule, defDoc: "required", doc: "First day (or instant) without an issue, in newsletter.time_zone."},
		{key: "vacation[].until", kind: kTime, touches: TouchSchedule, defDoc: "required", doc: "Day (or instant) issues resume; after from."},
		{key: "vacation[].note", kind: kString, touches: TouchSchedule, doc: "Shown to readers in the last issue before the vacation."},
	}
}

// Keys returns every documented key in reference order, with "*" for an
// author key and "[]" for the vacation array, e.g. "authors.*.name".
func Keys() []string {
	fs := fields()
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.key
	}
	return keys
}
