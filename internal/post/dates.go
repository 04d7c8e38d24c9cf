package post

import (
	"fmt"
	"strings"
	"time"
)

// Layouts with an offset are read as written; the others are in the
// site's time zone.
var (
	offsetLayouts = [...]string{time.RFC3339, "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04 -0700"}
	localLayouts  = [...]string{"2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05"}
)

// ParseDate reads a front matter date: RFC 3339, "2006-01-02",
// "2006-01-02 15:04", "2006-01-02 15:04:05 -0700" and close variants. A date
// without an offset is in loc. The error names the text it could not read.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range offsetLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q: want RFC 3339, 2006-01-02, 2006-01-02 15:04 or 2006-01-02 15:04:05 -0700", s)
}

// dateValue reads a front matter value as a date: a TOML native date, or a
// string in one of the ParseDate layouts.
func dateValue(key string, v value, loc *time.Location) (time.Time, error) {
	switch {
	case !v.time.IsZero() && v.local:
		t := v.time
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc), nil
	case !v.time.IsZero():
		return v.time, nil
	case v.isList || v.nested:
		return time.Time{}, v.problem("%s: want a date, not a list or table", key)
	}
	t, err := ParseDate(v.str, loc)
	if err != nil {
		return time.Time{}, v.problem("%s: %v", key, err)
	}
	return t, nil
}

// problem builds a Problem at v's position; the caller sets the Path.
func (v value) problem(format string, args ...any) Problem {
	return Problem{Line: v.line, Col: v.col, Msg: fmt.Sprintf(format, args...)}
}
