package post

import (
	"strings"
	"time"
)

// at returns the value of key, or a value at the front matter's first line
// when the key is absent, so that messages about it still have a position.
func (m meta) at(key string) value {
	if v, ok := m.get(key); ok {
		return v
	}
	return value{line: 1, col: 1}
}

// text returns a scalar as trimmed text without XML-forbidden characters;
// "" when the key is absent.
func (m meta) text(key string) (string, error) {
	v, ok := m.get(key)
	if !ok {
		return "", nil
	}
	if v.isList || v.nested {
		return "", v.problem("%s: want text, not a list or table", key)
	}
	if !v.time.IsZero() {
		return v.time.Format(time.RFC3339), nil
	}
	return strings.TrimSpace(StripForbidden(v.str)), nil
}

func (m meta) firstText(keys ...string) (string, error) {
	for _, k := range keys {
		if s, err := m.text(k); err != nil || s != "" {
			return s, err
		}
	}
	return "", nil
}

// words returns a list of strings; a single string is split on white space,
// as Jekyll does for tags and categories.
func (m meta) words(key string) ([]string, error) {
	v, ok := m.get(key)
	if !ok {
		return nil, nil
	}
	if v.nested {
		return nil, v.problem("%s: want a list, not a table", key)
	}
	if !v.isList {
		return strings.Fields(StripForbidden(v.str)), nil
	}
	out := make([]string, 0, len(v.list))
	for _, it := range v.list {
		if it.isList || it.nested {
			return nil, it.problem("%s: want a list of words, not nested lists", key)
		}
		if s := strings.TrimSpace(StripForbidden(it.str)); s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

func (m meta) bool(key string) (bool, error) {
	v, ok := m.get(key)
	if !ok {
		return false, nil
	}
	if isBool(v) {
		return boolValue(v), nil
	}
	return false, v.problem("%s: want true or false, not %q", key, v.str)
}

// isBool reports whether v is true or false (also yes/no, on/off), in
// any case.
func isBool(v value) bool {
	if v.isList || v.nested {
		return false
	}
	_, ok := boolWord(v.str)
	return ok
}

// boolValue is the value of v, which isBool.
func boolValue(v value) bool {
	b, _ := boolWord(v.str)
	return b
}

// boolWord reads true, yes, on, false, no or off, in any case, around
// white space, as strings.ToLower would compare them. It is asked of every
// date (firstDate skips flags), so it compares in place rather than
// lowercasing a copy; the fold is ASCII only, as no other letter
// lowercases to one of these words' letters (strings.EqualFold would also
// take "yeſ").
func boolWord(s string) (value, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) > len("false") {
		return false, false
	}
	for i, w := range [...]string{"true", "yes", "on", "false", "no", "off"} {
		if asciiEqualFold(s, w) {
			return i < 3, true
		}
	}
	return false, false
}

// asciiEqualFold reports whether s is the lowercase ASCII word w in any
// case.
func asciiEqualFold(s, w string) bool {
	if len(s) != len(w) {
		return false
	}
	for i := range len(s) {
		if c := s[i]; c != w[i] && c+'a'-'A' != w[i] {
			return false
		}
	}
	return true
}

// firstDate returns the date of the first of keys present, zero when none
// is. A true or false value is skipped: Jekyll's published is a flag where
// Hugo's is a date.
func (m meta) firstDate(loc *time.Location, keys ...string) (time.Time, error) {
	for _, k := range keys {
		if v, ok := m.get(k); ok && !isBool(v) {
			return dateValue(k, v, loc)
		}
	}
	return time.Time{}, nil
}

// date returns the date under key, fallback when the key is absent.
func (m meta) date(key string, loc *time.Location, fallback time.Time) (time.Time, error) {
	v, ok := m.get(key)
	if !ok {
		return fallback, nil
	}
	return dateValue(key, v, loc)
}

// textOf is the scalar text of key, trimmed; "" when absent or not text.
func (m meta) textOf(key string) string {
	s, err := m.text(key)
	if err != nil {
		return ""
	}
	return s
}
