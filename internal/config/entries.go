package config

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// unknown records a key that herald does not know, suggesting a near one.
func (l *loader) unknown(key string) {
	msg := fmt.Sprintf("unknown key %q", key)
	if near := l.nearest(key); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	e := &Error{File: l.file, Key: key, Msg: msg}
	if p, _ := position(l.loc, key); p.line > 0 {
		e.Line, e.Col = p.line, p.keyCol
	}
	l.errs = append(l.errs, e)
}

// nearest returns the known key closest to key when it is a likely typo,
// in key's concrete form (authors.ana.name, not authors.*.name).
func (l *loader) nearest(key string) string {
	pattern, prefix := key, ""
	if i := strings.LastIndex(key, "."); i >= 0 && (strings.HasPrefix(key, "authors.") || strings.HasPrefix(key, "vacation[")) {
		prefix = key[:i]
		pattern = map[bool]string{true: "authors.*", false: "vacation[]"}[strings.HasPrefix(key, "authors.")] + key[i:]
	}
	best, bestDist := "", 3
	for _, k := range candidates() {
		if d := editDistance(pattern, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" && prefix != "" {
		best = prefix + best[strings.LastIndex(best, "."):]
	}
	return best
}

// candidates are the keys and the tables ("feeds" for a misspelt [feed])
// a typo may be near.
func candidates() []string {
	var keys []string
	seen := map[string]bool{}
	for _, f := range fields() {
		keys = append(keys, f.key)
		if table, _, ok := strings.Cut(f.key, "."); ok && !seen[table] && !strings.HasSuffix(table, "[]") {
			seen[table] = true
			keys = append(keys, table)
		}
	}
	return keys
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// decodeAuthors reads the [authors.<key>] tables.
func (l *loader) decodeAuthors(v any) {
	tab, ok := v.(map[string]any)
	if !ok {
		l.fail("authors", "want tables [authors.<key>], got "+describe(v))
		return
	}
	for _, key := range slices.Sorted(maps.Keys(tab)) {
		entry, ok := tab[key].(map[string]any)
		if !ok {
			l.fail("authors."+key, "want a table [authors."+key+"], got "+describe(tab[key]))
			continue
		}
		a := Author{Key: key}
		l.decodeEntry("authors."+key, "authors.*", entry, func(name string) any { return authorField(&a, name) })
		if a.Name == "" {
			l.missing("authors."+key+".name", "authors."+key, "")
		}
		l.cfg.Authors[key] = a
	}
}

func authorField(a *Author, name string) any {
	return map[string]any{"name": &a.Name, "email": &a.Email, "show_email": &a.ShowEmail,
		"url": &a.URL, "bio": &a.Bio}[name]
}

// decodeEntry sets the fields of one author or vacation table. prefix is
// the concrete key of the table, pattern its documented form.
func (l *loader) decodeEntry(prefix, pattern string, entry map[string]any, ptr func(string) any) {
	for _, name := range slices.Sorted(maps.Keys(entry)) {
		key := prefix + "." + name
		f, ok := l.byKey[pattern+"."+name]
		p := ptr(name)
		if !ok || p == nil {
			l.unknown(key)
			continue
		}
		conv, err := fromTOML(f.kind, entry[name])
		if err == nil {
			err = assign(p, conv)
		}
		if err != nil {
			l.fail(key, err.Error())
			continue
		}
		l.fromFile(key)
	}
}

// decodeVacations keeps the [[vacation]] tables until the newsletter's time
// zone is known; unknown keys are reported now.
func (l *loader) decodeVacations(v any) {
	arr, ok := v.([]map[string]any)
	if !ok {
		l.fail("vacation", "want tables [[vacation]], got "+describe(v))
		return
	}
	l.vacRaw = arr
	for i, entry := range arr {
		for name := range entry {
			if name != "from" && name != "until" && name != "note" {
				l.unknown(vacKey(i, name))
			} else {
				l.fromFile(vacKey(i, name))
			}
		}
	}
}

func vacKey(i int, name string) string { return "vacation[" + strconv.Itoa(i) + "]." + name }

// vacations parses the kept [[vacation]] tables in loc.
func (l *loader) vacations(loc *time.Location) {
	for i, entry := range l.vacRaw {
		vac := Vacation{Line: l.loc[vacKey(i, "from")].line}
		from, okFrom := l.vacationTime(i, "from", entry, loc)
		until, okUntil := l.vacationTime(i, "until", entry, loc)
		vac.From, vac.Until = from, until
		if note, ok := entry["note"]; ok {
			if s, isStr := note.(string); isStr {
				vac.Note = s
			} else {
				l.fail(vacKey(i, "note"), wrongType(kString, note).Error())
			}
		}
		if okFrom && okUntil && !until.After(from) {
			l.fail(vacKey(i, "until"), fmt.Sprintf("until %s is not after from %s",
				until.Format(time.RFC3339), from.Format(time.RFC3339)))
		}
		l.cfg.Vacations = append(l.cfg.Vacations, vac)
	}
}

func (l *loader) vacationTime(i int, name string, entry map[string]any, loc *time.Location) (time.Time, bool) {
	key := vacKey(i, name)
	v, ok := entry[name]
	if !ok {
		l.missing(key, "vacation["+strconv.Itoa(i)+"]", "")
		return time.Time{}, false
	}
	t, err := vacationInstant(v, loc)
	if err != nil {
		l.fail(key, err.Error())
		return time.Time{}, false
	}
	return t, true
}

// vacationInstant reads a TOML date, local date-time, offset date-time, or a
// string in one of those forms; dates without an offset are in loc.
func vacationInstant(v any, loc *time.Location) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		switch x.Location().String() {
		case "date-local", "datetime-local":
			return inZone(x, loc), nil
		case "time-local":
			return time.Time{}, fmt.Errorf("want a date or date-time, got the time of day %s", x.Format("15:04:05"))
		}
		return x, nil
	case string:
		return parseInstant(x, loc)
	}
	return time.Time{}, wrongType(kTime, v)
}

func inZone(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

// parseInstant parses the string forms a vacation date may take.
func parseInstant(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf(`want a date such as 2027-02-26 or a date-time such as 2027-02-26T09:00:00, got %q`, s)
}
