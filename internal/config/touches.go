package config

import (
	"regexp"
	"slices"
)

// Part is a set of the running parts a setting is built into, so that a
// reload rebuilds exactly what the changed keys touch. Every field of the
// reference says which parts it touches (a test checks that none is left
// out), so a new key cannot be forgotten by the reload.
type Part uint8

const (
	// TouchFeeds: the post library and the feed files are built again.
	TouchFeeds Part = 1 << iota
	// TouchWeb: the web server's options are replaced (done on every reload).
	TouchWeb
	// TouchMail: a new mail transport is opened.
	TouchMail
	// TouchNewsletter: the newsletter engine restarts at a safe point.
	TouchNewsletter
	// TouchSchedule: the newsletter's schedule is swapped in while it runs.
	TouchSchedule
	// TouchDaemon: read by the daemon when it is used (e.g. at shutdown).
	TouchDaemon
)

// Touched returns the parts that the changed keys (as Diff returns them)
// are built into. A key that needs a restart touches only what its field
// says besides.
func Touched(changed []string) Part {
	touches := map[string]Part{}
	for _, f := range fields() {
		touches[f.key] = f.touches
	}
	var p Part
	for _, k := range changed {
		p |= touches[fieldKey(k)]
	}
	return p
}

// Has reports whether p includes every part of q.
func (p Part) Has(q Part) bool { return p&q == q }

var (
	authorKey   = regexp.MustCompile(`^authors\.[^.]+\.`)
	vacationKey = regexp.MustCompile(`^vacation\[\d+\]\.`)
)

// fieldKey maps a concrete key ("authors.ana.name", "vacation[2].from") to
// its field's key ("authors.*.name", "vacation[].from").
func fieldKey(k string) string {
	if loc := authorKey.FindStringIndex(k); loc != nil {
		return "authors.*." + k[loc[1]:]
	}
	if loc := vacationKey.FindStringIndex(k); loc != nil {
		return "vacation[]." + k[loc[1]:]
	}
	return k
}

// untouched lists the fields that say neither what they touch nor that
// they need a restart (for the test that keeps the table complete).
func untouched() []string {
	var keys []string
	for _, f := range fields() {
		if f.touches == 0 && !f.restart {
			keys = append(keys, f.key)
		}
	}
	return slices.Clip(keys)
}
