package post

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// forbidden reports whether XML 1.0 forbids r in text: C0 controls other than
// tab, newline and carriage return, and the non-characters U+FFFE and U+FFFF.
func forbidden(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF
}

// StripForbidden returns s without the characters XML 1.0 forbids. It
// returns s itself when there is nothing to remove.
func StripForbidden(s string) string {
	if strings.IndexFunc(s, forbidden) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if forbidden(r) {
			return -1
		}
		return r
	}, s)
}

// stripForbiddenBytes is StripForbidden for a byte slice; it returns b itself
// when there is nothing to remove.
func stripForbiddenBytes(b []byte) []byte {
	if !hasForbidden(b) {
		return b
	}
	return bytes.Map(func(r rune) rune {
		if forbidden(r) {
			return -1
		}
		return r
	}, b)
}

// hasForbidden is a fast scan for bytes that may start a forbidden character.
func hasForbidden(b []byte) bool {
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
		if c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF) {
			return true
		}
	}
	return false
}

// invalidUTF8 returns the byte offset of the first invalid UTF-8 sequence in
// b, or -1 when b is valid.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// position converts a byte offset in b to a 1-based line and column; the
// column counts characters, as editors do.
func position(b []byte, off int) (line, col int) {
	off = min(max(off, 0), len(b))
	before := b[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}
