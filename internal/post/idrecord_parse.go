package post

import (
	"strings"
	"unicode/utf8"
)

// parseIDs reads a record as Save writes it, a JSON object of plain
// strings, into ids, much faster than encoding/json. The paths and ids are
// slices of data, so a record of 10,000 posts costs one copy of the file
// rather than 20,000 strings. It reports false for
// anything else (escapes, control characters, invalid UTF-8, other
// values, bad syntax): the caller then decodes with encoding/json, which
// gives the error or the unusual strings.
func parseIDs(data string, ids map[string]string) bool {
	if !utf8.ValidString(data) {
		return false
	}
	p := idParser{data: data}
	if !p.byte('{') {
		return false
	}
	if p.byte('}') {
		return p.end()
	}
	for {
		k, ok := p.str()
		if !ok || !p.byte(':') {
			return false
		}
		v, ok := p.str()
		if !ok {
			return false
		}
		ids[k] = v
		if p.byte('}') {
			return p.end()
		}
		if !p.byte(',') {
			return false
		}
	}
}

// idParser is a position in a record being read by parseIDs.
type idParser struct {
	data string
	i    int
}

func (p *idParser) space() {
	for p.i < len(p.data) && (p.data[p.i] == ' ' || p.data[p.i] == '\n' || p.data[p.i] == '\t' || p.data[p.i] == '\r') {
		p.i++
	}
}

// byte consumes c after white space, if it is next.
func (p *idParser) byte(c byte) bool {
	p.space()
	if p.i < len(p.data) && p.data[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str consumes a string without escapes or control characters.
func (p *idParser) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	n := strings.IndexByte(p.data[p.i:], '"')
	if n < 0 {
		return "", false
	}
	s := p.data[p.i : p.i+n]
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c == '\\' {
			return "", false
		}
	}
	p.i += n + 1
	return s, true
}

// end reports whether only white space is left.
func (p *idParser) end() bool {
	p.space()
	return p.i == len(p.data)
}
