package config

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/heraldhq/herald/internal/siteconfig"
)

// fromSite reads the Hugo or Jekyll site posts.dir lies in, and takes from
// its config the base URL, title, language and time zone that neither the
// file nor the environment set; their source is the site file's
// FILE:LINE. The site's permalink rule applies when posts.permalink is not
// set. A site config that cannot be read is a warning: herald.toml can
// still set everything.
func (l *loader) fromSite() {
	if l.cfg.Posts.Dir == "" {
		return
	}
	site, err := siteconfig.Detect(l.cfg.Posts.Dir, l.cfg.File)
	if err != nil {
		l.cfg.Warnings = append(l.cfg.Warnings, fmt.Sprintf("site config not read: %v", err))
		return
	}
	if site == nil {
		return
	}
	l.cfg.Generator = site
	for _, v := range site.Values {
		if l.isSet(v.Key) {
			continue
		}
		f := l.byKey[v.Key]
		if err := assign(f.ptr(l.cfg), v.Value); err != nil {
			continue
		}
		l.sources[v.Key] = v.Source
	}
	if !l.isSet("posts.permalink") {
		l.cfg.Posts.Permalink = "" // the generator's rules, or its default without any
		if site.PermalinkSource != "" {
			l.sources["posts.permalink"] = site.PermalinkSource
		}
	}
}

// siteError places a problem with a value the site's config gave at its
// FILE:LINE there; ok is false for other values.
func siteError(source, key, msg string) (*Error, bool) {
	i := strings.LastIndexByte(source, ':')
	if i < 0 || strings.HasPrefix(source, "env ") {
		return nil, false
	}
	line, err := strconv.Atoi(source[i+1:])
	if err != nil {
		return nil, false
	}
	return &Error{File: source[:i], Line: line, Key: key, Msg: key + ": " + msg + " (from the site's own config)"}, true
}

// SitePermalink describes the site's permalink rule for herald config,
// "" when herald's own posts.permalink applies.
func (c *Config) SitePermalink() string {
	if c.Generator == nil || c.Posts.Permalink != "" {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c.Generator.Permalinks)) {
		parts = append(parts, k+" = "+c.Generator.Permalinks[k])
	}
	if len(parts) == 0 {
		return c.Generator.Generator + "'s default URLs"
	}
	return c.Generator.Generator + " permalinks: " + strings.Join(parts, ", ")
}
