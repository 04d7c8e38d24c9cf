package config

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// pos is where a key sits in the file: its line, the column of the key and
// the column of its value (1-based, in characters).
type pos struct{ line, keyCol, valCol int }

// locate maps every key and table header of a syntactically valid TOML
// document to its position. Keys are dotted paths; the n-th table of an
// array of tables is "name[n]" (e.g. "vacation[1].until"). Keys inside
// inline tables are not listed: their parent key stands for them.
func locate(src string) map[string]pos {
	loc := map[string]pos{}
	arrays := map[string]int{}
	var table string
	var sc valueScanner
	for i, line := range strings.Split(src, "\n") {
		if sc.open() {
			sc.scan(line)
			continue
		}
		trimmed := strings.TrimLeft(line, " \t")
		col := utf8.RuneCountInString(line[:len(line)-len(trimmed)]) + 1
		switch {
		case trimmed == "" || trimmed[0] == '#':
		case strings.HasPrefix(trimmed, "[["):
			name := joinPath(splitKey(headerName(trimmed[2:])))
			table = name + "[" + strconv.Itoa(arrays[name]) + "]"
			arrays[name]++
			loc[table] = pos{i + 1, col, col}
		case trimmed[0] == '[':
			table = joinPath(splitKey(headerName(trimmed[1:])))
			loc[table] = pos{i + 1, col, col}
		default:
			eq := keyEnd(trimmed)
			key := joinPath(splitKey(trimmed[:eq]))
			if table != "" {
				key = table + "." + key
			}
			rest := trimmed[eq+1:]
			lead := len(rest) - len(strings.TrimLeft(rest, " \t"))
			valCol := col + utf8.RuneCountInString(trimmed[:eq+1+lead])
			loc[key] = pos{i + 1, col, valCol}
			addParents(loc, key, table, pos{i + 1, col, col})
			sc.scan(rest)
		}
	}
	return loc
}

// addParents records the implicit tables of a dotted key (a.b in a.b.c = 1)
// at the key's position, unless they have their own.
func addParents(loc map[string]pos, key, table string, p pos) {
	for k := key[:max(strings.LastIndex(key, "."), 0)]; len(k) > len(table); k = k[:max(strings.LastIndex(k, "."), 0)] {
		if _, ok := loc[k]; !ok {
			loc[k] = p
		}
	}
}

// headerName returns the text of a table header up to its closing bracket.
func headerName(s string) string {
	if end := keyEnd(s + "]"); end <= len(s) {
		return s[:end]
	}
	return s
}

// keyEnd returns the index of the first '=' (or ']') outside quotes.
func keyEnd(s string) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=' || c == ']':
			return i
		}
	}
	return len(s)
}

// splitKey splits a dotted TOML key into its unquoted parts.
func splitKey(s string) []string {
	var parts []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == '\\' && quote == '"' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, cur.String())
			cur.Reset()
		case c != ' ' && c != '\t':
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}

func joinPath(parts []string) string { return strings.Join(parts, ".") }

// valueScanner follows a value across lines: open brackets of multi-line
// arrays and inline tables, and multi-line strings.
type valueScanner struct {
	depth int
	multi string // `"""` or `'''` while inside a multi-line string
}

func (v *valueScanner) open() bool { return v.depth > 0 || v.multi != "" }

// scan consumes one line (or the rest of one) of a value.
func (v *valueScanner) scan(s string) {
	for i := 0; i < len(s); i++ {
		if v.multi != "" {
			end := strings.Index(s[i:], v.multi)
			if end < 0 {
				return
			}
			i += end + 2
			v.multi = ""
			continue
		}
		switch c := s[i]; c {
		case '#':
			return
		case '[', '{':
			v.depth++
		case ']', '}':
			v.depth--
		case '"', '\'':
			if strings.HasPrefix(s[i:], strings.Repeat(string(c), 3)) {
				v.multi = strings.Repeat(string(c), 3)
				i += 2
				continue
			}
			i = skipString(s, i)
		}
	}
}

// skipString returns the index of the quote closing the string at s[i].
func skipString(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] == '\\' && q == '"' {
			j++
		} else if s[j] == q {
			return j
		}
	}
	return len(s)
}
