package feed

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// clean removes what XML 1.0 forbids in character data: control characters
// other than tab, newline and carriage return, surrogates, U+FFFE and U+FFFF,
// and bytes that are not valid UTF-8. It returns s itself when s is clean,
// so the common case allocates nothing.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				continue
			}
		}
		if xmlAllowed(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return cleanSlow(s[i:])
		}
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

func cleanSlow(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		}
		if !xmlAllowed(r) {
			return false
		}
	}
	return true
}

// xmlAllowed reports whether r is in XML 1.0's Char production.
func xmlAllowed(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r >= 0xD800 && r <= 0xDFFF:
		return false
	case r == 0xFFFE || r == 0xFFFF:
		return false
	}
	return r <= unicode.MaxRune
}

// rfc822 formats t for RSS: RFC 822 with a four-digit year and a numeric zone.
func rfc822(t time.Time) string { return t.Format(time.RFC1123Z) }

// rfc3339 formats t for Atom, in its own zone, to the second.
func rfc3339(t time.Time) string { return t.Format(time.RFC3339) }
