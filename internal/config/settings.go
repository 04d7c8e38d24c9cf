package config

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Setting is one effective value for `herald config`.
type Setting struct {
	Key    string // concrete key, e.g. "server.listen", "authors.ann.name", "vacation[0].from"
	Value  string // secrets shown as "********"; passwords inside URLs and DSNs masked
	Source string // "default", "FILE:LINE" or "env NAME"
	Env    string // variable that overrides the key; empty for authors and vacations
	kind   kind
}

// TOML returns the value as it would be written in the config file (a
// quoted string, a bare number or boolean, an array, an inline table, a
// date), so that a line of herald config can be pasted into it.
func (s Setting) TOML() string {
	switch s.kind {
	case kInt, kFloat, kBool, kTime:
		return s.Value
	case kStrings:
		var items []string
		for v := range strings.SplitSeq(s.Value, ",") {
			if v != "" {
				items = append(items, tomlString(v))
			}
		}
		return "[" + strings.Join(items, ", ") + "]"
	case kRates:
		var pairs []string
		for pair := range strings.SplitSeq(s.Value, ",") {
			if k, v, ok := strings.Cut(pair, "="); ok {
				pairs = append(pairs, tomlString(k)+" = "+v)
			}
		}
		if len(pairs) == 0 {
			return "{}"
		}
		return "{ " + strings.Join(pairs, ", ") + " }"
	}
	return tomlString(s.Value)
}

// tomlString quotes v as a TOML basic string.
func tomlString(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

const mask = "********"

// record fills the display values and sources of every concrete key.
func (l *loader) record() {
	c := l.cfg
	c.values = map[string]string{}
	c.sources = l.sources
	c.file, c.loc = l.file, l.loc
	for _, f := range fields() {
		switch {
		case f.ptr != nil:
			c.add(f.key, display(f.ptr(c)))
		case f.key == "authors.*.name":
			c.addAuthors()
		}
	}
	if sp := c.SitePermalink(); sp != "" {
		c.values["posts.permalink"] = sp
	}
	for i, v := range c.Vacations {
		c.add(vacKey(i, "from"), v.From.Format(time.RFC3339))
		c.add(vacKey(i, "until"), v.Until.Format(time.RFC3339))
		c.add(vacKey(i, "note"), v.Note)
	}
}

func (c *Config) add(key, value string) {
	c.order = append(c.order, key)
	c.values[key] = value
}

// addAuthors adds every author's keys, author by author in key order.
func (c *Config) addAuthors() {
	for _, k := range slices.Sorted(maps.Keys(c.Authors)) {
		a := c.Authors[k]
		c.add("authors."+k+".name", a.Name)
		c.add("authors."+k+".email", a.Email)
		c.add("authors."+k+".show_email", strconv.FormatBool(a.ShowEmail))
		c.add("authors."+k+".url", a.URL)
		c.add("authors."+k+".bio", a.Bio)
	}
}

// Settings lists every effective value in reference order (authors in key
// order, vacations in file order), with where it came from and secrets masked.
func (c *Config) Settings() []Setting {
	secret, kinds := map[string]bool{}, map[string]kind{}
	for _, f := range fields() {
		secret[f.key], kinds[f.key] = f.secret, f.kind
	}
	out := make([]Setting, 0, len(c.order))
	for _, k := range c.order {
		s := Setting{Key: k, Value: c.values[k], Source: c.Source(k), kind: kinds[k]}
		switch {
		case strings.HasPrefix(k, "authors."):
			s.kind = kString
			if strings.HasSuffix(k, ".show_email") {
				s.kind = kBool
			}
		case strings.HasPrefix(k, "vacation["):
			s.kind = kTime
			if strings.HasSuffix(k, ".note") {
				s.kind = kString
			}
		}
		if !strings.HasPrefix(k, "authors.") && !strings.HasPrefix(k, "vacation[") {
			s.Env = envName(k)
		}
		if secret[k] {
			s.Value, s.kind = maskSecret(k, s.Value), kString
		}
		out = append(out, s)
	}
	return out
}

// Source returns where key's value came from: "default", "FILE:LINE" or
// "env NAME"; "" for a key the config does not have.
func (c *Config) Source(key string) string {
	if _, ok := c.values[key]; !ok {
		return ""
	}
	if s, ok := c.sources[key]; ok {
		return s
	}
	return "default"
}

// maskSecret hides a secret value: whole, or only the password of a URL or
// key=value DSN.
func maskSecret(key, v string) string {
	switch {
	case v == "":
		return ""
	case key == "smtp.url" || key == "store.dsn":
		return maskDSN(v)
	}
	return mask
}

func maskDSN(v string) string {
	if strings.Contains(v, "://") {
		return maskURL(v)
	}
	return regexp.MustCompile(`(?i)(password\s*=\s*)('[^']*'|\S+)`).ReplaceAllString(v, "${1}"+mask)
}

// maskURL replaces the password of a URL, if any, with the mask.
func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return mask
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), mask)
		return strings.Replace(u.String(), url.QueryEscape(mask), mask, 1)
	}
	if u.Query().Has("password") {
		q := u.Query()
		q.Set("password", mask)
		u.RawQuery = strings.ReplaceAll(q.Encode(), url.QueryEscape(mask), mask)
	}
	return u.String()
}

// Diff returns the keys whose effective value differs between old and new
// (including keys present in only one), in reference order, and which of
// them take effect only after a restart. Values are never returned, so the
// lists are safe to log. Both must come from Load.
func Diff(old, new *Config) (changed, needRestart []string) {
	restart := map[string]bool{}
	for _, f := range fields() {
		restart[f.key] = f.restart
	}
	keys := slices.Clone(old.order)
	for _, k := range new.order {
		if _, ok := old.values[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		ov, inOld := old.values[k]
		nv, inNew := new.values[k]
		if inOld == inNew && ov == nv {
			continue
		}
		changed = append(changed, k)
		if restart[k] {
			needRestart = append(needRestart, k)
		}
	}
	return changed, needRestart
}
