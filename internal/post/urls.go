package post

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Slugify lowercases s and turns every run of characters other than letters
// and digits into one "-", trimmed at both ends. It returns "" when s has no
// letter or digit.
func Slugify(s string) string {
	if out, ok := slugifyASCII(s); ok {
		return out
	}
	return slugifyRunes(s)
}

// slugifyRunes is Slugify for any text: Unicode letters and digits, and
// Unicode lowercasing (which may change a letter's length in bytes).
func slugifyRunes(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// slugifyASCII is Slugify for ASCII text, false for any other. Every post
// without a slug in its front matter is slugified from its file name, and
// most such names are already slugs: those come back as they are, without
// an allocation.
func slugifyASCII(s string) (string, bool) {
	// The longest prefix that is already a slug: lowercase letters and
	// digits in runs joined by single dashes, not starting with one.
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return "", false
		}
		if !asciiLowerAlnum(c) && (c != '-' || i == 0 || s[i-1] == '-') {
			break
		}
	}
	if i == len(s) && (i == 0 || s[i-1] != '-') {
		return s, true
	}
	for i > 0 && s[i-1] == '-' {
		i-- // the loop below decides whether a dash goes there
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	dash := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return "", false
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case !asciiLowerAlnum(c):
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteByte(c)
		dash = false
	}
	return b.String(), true
}

func asciiLowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// permalinkFor expands the permalink pattern for one post: BaseURL plus the
// pattern, with the date in Options.Location and empty parts collapsed.
func (r *reader) permalinkFor(date time.Time, slug, section string) string {
	d := date.In(r.opts.location())
	var b strings.Builder
	b.Grow(len(r.base) + len(r.opts.permalink()) + len(slug) + len(section) + 8)
	b.WriteString(r.base)
	for rest := r.opts.permalink(); rest != ""; {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		switch rest[i : j+1] {
		case "{year}":
			b.WriteString(strconv.Itoa(d.Year()))
		case "{month}":
			fmt.Fprintf(&b, "%02d", int(d.Month()))
		case "{day}":
			fmt.Fprintf(&b, "%02d", d.Day())
		case "{slug}":
			b.WriteString(url.PathEscape(slug))
		case "{section}":
			b.WriteString(url.PathEscape(section))
		}
		rest = rest[j+1:]
	}
	return r.base + cleanPath(b.String()[len(r.base):])
}

// cleanPath collapses repeated slashes and makes p start with one.
func cleanPath(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

// tagURI is the generated id of a post without an id in its front matter:
// an RFC 4151 tag URI from the base URL's host, the publication date (in
// Options.Location) and the slug, e.g.
// "tag:blog.example.com,2026-11-25:/some-slug".
func (r *reader) tagURI(date time.Time, slug string) string {
	var buf [len("2006-01-02")]byte
	d := appendDate(buf[:0], date.In(r.opts.location())) // no string of its own: string(d) in the concatenation is not a copy
	return "tag:" + r.host + "," + string(d) + ":/" + url.PathEscape(slug)
}

// appendDate appends t as "2006-01-02" (the layout's parsing costs more
// than the digits, for every post without an id); a year outside
// 0-9999 is left to time.Format.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, "2006-01-02")
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}
