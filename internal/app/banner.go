package app

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/config"
)

// printBanner tells the operator, once at start, where to look.
func (d *Daemon) printBanner() {
	cfg := d.cfg
	w := d.e.Stdout
	base := cfg.Server.PublicURL
	fmt.Fprintf(w, "herald %s is serving %s/ (listening on %s)\n", d.e.Version, base, cfg.Server.Listen)
	fmt.Fprintf(w, "  feeds:       %s/feeds/rss.xml  %s/feeds/atom.xml  %s/feeds/feed.json\n", base, base, base)
	fmt.Fprintf(w, "  written to:  %s\n", cfg.Feeds.OutputDir)
	fmt.Fprintf(w, "  posts:       %s\n", cfg.Posts.Dir)
	fmt.Fprintf(w, "  config:      %s%s\n", cfg.File, envOverrides(cfg))
	fmt.Fprintf(w, "  data folder: %s (database: %s)\n", cfg.DataDir, storeDescription(cfg))
	if cfg.SMTP.Host == "" {
		fmt.Fprintf(w, "  mail:        no SMTP server configured; messages are written to %s\n", cfg.SMTP.OutboxDir)
	} else {
		fmt.Fprintf(w, "  mail:        SMTP %s:%d\n", cfg.SMTP.Host, cfg.SMTP.Port)
	}
	fmt.Fprintf(w, "  newsletter:  %s\n", d.newsletterLine())
	local := localURL(d.addr)
	fmt.Fprintf(w, "  health:      %s/healthz   metrics: %s/metrics\n", local, local)
}

// localURL is where the operator reaches herald on this machine, from the
// address it listens on: the health and metrics URLs, which are for the
// operator, not the public (public_url may be a proxy that hides them).
func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// warnPublicURL logs PublicURLMismatch's warning, when there is one, for
// the address herald really listens on (listen may ask for port 0).
func (d *Daemon) warnPublicURL(cfg *config.Config) {
	c := *cfg
	c.Server.Listen = d.addr
	if w := c.PublicURLMismatch(); w != "" {
		d.log.Warn("Public URL points at another port of this machine", "problem", w)
	}
}

// warnDeliverability logs each of cfg's deliverability warnings (those
// `herald check` prints), at start and after a reload.
func (d *Daemon) warnDeliverability(cfg *config.Config) {
	for _, a := range cfg.Deliverability() {
		d.log.Warn("Mail may be less trusted by receivers", "key", a.Key, "problem", a.String())
	}
}

// envOverrides lists the HERALD_* variables in force.
func envOverrides(cfg *config.Config) string {
	var names []string
	for _, s := range cfg.Settings() {
		if name, ok := strings.CutPrefix(s.Source, "env "); ok {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " (overridden by " + strings.Join(names, ", ") + ")"
}

func storeDescription(cfg *config.Config) string {
	if cfg.Store.Driver == "sqlite" {
		return "SQLite " + cfg.Store.DSN
	}
	for _, s := range cfg.Settings() {
		if s.Key == "store.dsn" {
			return "PostgreSQL " + s.Value
		}
	}
	return "PostgreSQL"
}

func (d *Daemon) newsletterLine() string {
	cfg := d.cfg
	if !cfg.Newsletter.Enabled {
		return "off (set [newsletter] enabled = true to send issues)"
	}
	sched, err := NewSchedule(cfg)
	if err != nil {
		return "schedule error: " + err.Error()
	}
	run, ok := sched.NextSending(d.clock.Now())
	if !ok {
		return fmt.Sprintf("on (%q), but no run ever sends", cfg.Newsletter.Schedule)
	}
	line := fmt.Sprintf("next issue %s (%q in %s)", run.At.Format(time.RFC1123), cfg.Newsletter.Schedule, cfg.Newsletter.TimeZone)
	if next, ok := sched.Next(d.clock.Now()); ok && next.Skip {
		line += "; " + strings.TrimSpace(next.Reason) + ", so the runs before it are skipped"
	}
	return line
}
