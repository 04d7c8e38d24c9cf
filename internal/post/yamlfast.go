package post

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// fastYAML reads the plain shape most front matter has — "key: value"
// lines with plain or simply quoted scalars, flow lists [a, b] and block
// lists of "- item" lines — without the YAML library, which costs most of
// a cold load. ok is false for anything else (or anything doubtful), and
// the caller then uses the YAML library, which also reports the errors.
// For every input it accepts, it returns what parseYAML returns (FuzzFastYAML
// checks this).
func fastYAML(fm []byte, fmLine int) (m meta, ok bool) { return fastYAMLInto(nil, fm, fmLine) }

// fastYAMLInto is fastYAML into spare's array when it is large enough.
func fastYAMLInto(spare meta, fm []byte, fmLine int) (m meta, ok bool) {
	if !yamlSafe(fm) {
		return nil, false
	}
	m = spare[:0]
	if n := bytes.Count(fm, []byte{'\n'}) + 1; cap(m) < n { // a key a line at most
		m = make(meta, 0, max(n, 8))
	}
	listKey, listIndent := "", -1
	for n, rest := 0, fm; len(rest) > 0; {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
		n++
		t := bytes.TrimLeft(line, " ")
		switch {
		case len(t) == 0 || t[0] == '#':
			continue
		case t[0] == '-':
			if !m.addItem(listKey, &listIndent, line, n+fmLine-1) {
				return nil, false
			}
			continue
		case len(t) != len(line):
			return nil, false // indented mapping or continued scalar
		}
		key, ok := m.addPair(line, n+fmLine-1)
		if !ok {
			return nil, false
		}
		listKey, listIndent = key, -1
	}
	for _, e := range m {
		if e.v.isList && e.v.line == 0 {
			return nil, false // "key:" with no items: a null, left to the YAML library
		}
	}
	return m, true
}

// addPair reads "key: value" or "key:" (a block list follows). It returns
// the lowercase key when the value is an open block list, "" otherwise.
func (m *meta) addPair(line []byte, lineNo int) (string, bool) {
	k, rest, found := bytes.Cut(line, []byte{':'})
	key := metaKey(k)
	if _, dup := m.get(key); !found || !plainKey(k) || dup {
		return "", false
	}
	val := bytes.TrimLeft(rest, " ")
	if len(rest) > 0 && rest[0] != ' ' {
		return "", false
	}
	val = bytes.TrimRight(val, " ")
	if len(val) == 0 {
		m.set(key, value{isList: true}) // position set by the first item
		return key, true
	}
	col := utf8.RuneCount(line[:len(line)-len(bytes.TrimLeft(rest, " "))]) + 1
	v, ok := flowValue(val, lineNo, col)
	m.set(key, v)
	return "", ok
}

// metaKey is k lowercased, as a string; the keys herald reads are
// constants, so most front matter keys cost no allocation.
func metaKey(k []byte) string {
	for _, known := range knownKeys {
		if string(k) == known {
			return known
		}
	}
	return strings.ToLower(string(k))
}

// knownKeys are the lowercase front matter keys herald reads, the most
// common first.
var knownKeys = [...]string{"title", "date", "author", "tags", "categories", "slug", "draft", "summary",
	"description", "authors", "category", "tag", "id", "url", "lastmod", "publishdate", "permalink",
	"layout", "type", "published", "updated", "modified", "expirydate"}

// addItem reads "- item" under the open block list listKey.
func (m *meta) addItem(listKey string, indent *int, line []byte, lineNo int) bool {
	ind := len(line) - len(bytes.TrimLeft(line, " "))
	item, ok := bytes.CutPrefix(line[ind:], []byte("- "))
	if listKey == "" || !ok || (*indent >= 0 && ind != *indent) {
		return false
	}
	*indent = ind
	lead := len(item) - len(bytes.TrimLeft(item, " "))
	v, ok := scalar(bytes.TrimSpace(item), lineNo, ind+3+lead, false)
	l, _ := m.get(listKey)
	if l.line == 0 {
		l.line, l.col = lineNo, ind+1
	}
	l.list = append(l.list, v)
	m.set(listKey, l)
	return ok
}

// flowValue reads a scalar or a flow list [a, b].
func flowValue(val []byte, lineNo, col int) (value, bool) {
	if val[0] != '[' {
		return scalar(val, lineNo, col, false)
	}
	inner, ok := bytes.CutSuffix(val[1:], []byte{']'})
	v := value{line: lineNo, col: col, isList: true}
	if !ok {
		return v, false
	}
	if len(bytes.TrimSpace(inner)) == 0 {
		return v, true
	}
	off := col + 1
	v.list = make([]value, 0, bytes.Count(inner, []byte{','})+1)
	for part := range bytes.SplitSeq(inner, []byte{','}) {
		lead := len(part) - len(bytes.TrimLeft(part, " "))
		item, ok := scalar(bytes.TrimSpace(part), lineNo, off+lead, true)
		if !ok {
			return v, false
		}
		v.list = append(v.list, item)
		off += utf8.RuneCount(part) + 1
	}
	return v, true
}

// scalar reads a plain scalar or a quoted one without escapes.
func scalar(s []byte, lineNo, col int, inFlow bool) (value, bool) {
	v := value{line: lineNo, col: col}
	if len(s) == 0 {
		return v, false
	}
	if q := s[0]; q == '"' || q == '\'' {
		if len(s) < 2 || s[len(s)-1] != q {
			return v, false
		}
		inner := s[1 : len(s)-1]
		v.str = string(inner)
		return v, bytes.IndexByte(inner, q) < 0 && bytes.IndexByte(inner, '\\') < 0
	}
	v.str = string(s)
	special := "-?:,[]{}#&*!|>'\"%@`"
	if strings.IndexByte(special, s[0]) >= 0 || bytes.Contains(s, []byte(": ")) ||
		bytes.Contains(s, []byte(" #")) || s[len(s)-1] == ':' || bytes.IndexByte(s, '\t') >= 0 {
		return v, false
	}
	return v, !inFlow || bytes.IndexAny(s, ",[]{}") < 0
}

// plainKey accepts keys of letters, digits, "_" and "-", starting with a
// letter or "_".
func plainKey(k []byte) bool {
	if len(k) == 0 || !(k[0] == '_' || isLetter(k[0])) {
		return false
	}
	for _, c := range k {
		if !(c == '_' || c == '-' || isLetter(c) || ('0' <= c && c <= '9')) {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// yamlSafe reports whether b has only characters YAML reads as printable
// text and no tabs, so the fast reader needs no special cases for them.
func yamlSafe(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			lone := c == '\r' && (i+1 == len(b) || b[i+1] != '\n')
			if (c < 0x20 && c != '\n' && c != '\r') || c == 0x7F || lone {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r <= 0x9F || r == 0x2028 || r == 0x2029 || r == 0xFEFF || r >= 0xFFFE && r <= 0xFFFF || r == utf8.RuneError {
			return false
		}
		i += size
	}
	return true
}
