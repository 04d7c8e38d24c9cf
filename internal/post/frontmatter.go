package post

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

// value is one front matter value with its 1-based position in the file.
type value struct {
	line, col int
	str       string    // a scalar as written (YAML) or formatted (TOML)
	list      []value   // a sequence; nil for a scalar
	time      time.Time // a TOML native date; zero otherwise
	fields    meta      // the keys of a top-level mapping or table (Hugo's params)
	isList    bool
	local     bool // time had no offset in the source
	nested    bool // a mapping or table: never a valid value for a known key
}

// meta is the front matter as lowercase key -> value, each key once, in the
// order first seen. Front matter has a handful of keys: a slice searched in
// order costs less than a map.
type meta []metaEntry

type metaEntry struct {
	key string
	v   value
}

// get returns the value of key and whether it is present.
func (m meta) get(key string) (value, bool) {
	for i := range m {
		if m[i].key == key {
			return m[i].v, true
		}
	}
	return value{}, false
}

// set gives key the value v, in place when key is present.
func (m *meta) set(key string, v value) {
	for i := range *m {
		if (*m)[i].key == key {
			(*m)[i].v = v
			return
		}
	}
	*m = append(*m, metaEntry{key: key, v: v})
}

// splitFrontMatter cuts data into front matter and body. It returns the
// front matter's format ('-' YAML, '+' TOML), its text, the file line of its
// first line, and the body. A file without front matter is a Problem.
func splitFrontMatter(data []byte) (format byte, fm []byte, fmLine int, body []byte, err error) {
	first, rest, _ := bytes.Cut(data, []byte{'\n'})
	var open string // the lines are compared as bytes: no string per line
	switch t := bytes.TrimRight(first, " \t\r"); {
	case dashes(t):
		open = "---" // Hugo accepts a longer line of dashes, e.g. "------"
	case string(t) == "+++":
		open = "+++"
	default:
		return 0, nil, 0, nil, Problem{Line: 1, Col: 1, Msg: "missing front matter: the file must start with --- (YAML) or +++ (TOML)"}
	}
	fmStart := len(first) + 1
	for off := 0; off <= len(rest); {
		line, _, found := bytes.Cut(rest[off:], []byte{'\n'})
		t := bytes.TrimRight(line, " \t\r")
		if string(t) == open || (open == "---" && (string(t) == "..." || dashes(t))) {
			end := min(off+len(line)+1, len(rest))
			return open[0], data[fmStart : fmStart+off], 2, rest[end:], nil
		}
		if !found {
			break
		}
		off += len(line) + 1
	}
	return 0, nil, 0, nil, Problem{Line: 1, Col: 1, Msg: fmt.Sprintf("front matter opened with %s is never closed", open)}
}

// dashes reports whether s is a line of three or more "-".
func dashes(s []byte) bool {
	return len(s) >= 3 && len(bytes.Trim(s, "-")) == 0
}

// parseYAML decodes YAML front matter that starts on file line fmLine,
// into spare's array when the fast reader takes it and it is large enough.
func parseYAML(spare meta, fm []byte, fmLine int) (meta, error) {
	if m, ok := fastYAMLInto(spare, fm, fmLine); ok {
		return m, nil
	}
	return parseYAMLLibrary(fm, fmLine)
}

// parseYAMLLibrary decodes front matter with the YAML library.
func parseYAMLLibrary(fm []byte, fmLine int) (meta, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		return nil, yamlProblem(err, fm, fmLine)
	}
	m := meta{}
	if len(doc.Content) == 0 {
		return m, nil // empty front matter
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, Problem{Line: root.Line + fmLine - 1, Col: root.Column, Msg: "front matter is not a mapping of keys to values"}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		m.set(strings.ToLower(k.Value), yamlValue(v, fmLine, 0))
	}
	return m, nil
}

// yamlValue converts a node at depth 0 (a front matter key), 1 (an item
// or a key of a top-level mapping) or deeper. Lists and mappings are read
// down to depth 1 (Hugo's params, a list of {name, link} authors); deeper
// ones are marked but not read, as no known key takes them. Aliases are followed once, so
// "billion laughs" documents cost no more than their size.
func yamlValue(n *yaml.Node, fmLine, depth int) value {
	v := value{line: n.Line + fmLine - 1, col: n.Column}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.ScalarNode:
		v.str = n.Value
	case yaml.SequenceNode:
		v.isList = true
		for _, c := range n.Content {
			if depth > 1 {
				break
			}
			v.list = append(v.list, yamlValue(c, fmLine, depth+1))
		}
	default:
		v.nested = true
		for i := 0; depth <= 1 && n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			v.fields.set(strings.ToLower(n.Content[i].Value), yamlValue(n.Content[i+1], fmLine, depth+1))
		}
	}
	return v
}

// yamlProblem turns a YAML syntax error into a Problem; the YAML library
// reports a line only, so the column is the line's first character.
func yamlProblem(err error, fm []byte, fmLine int) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, after, _ := strings.Cut(rest, ": ")
		if n, err := strconv.Atoi(num); err == nil {
			line, msg = n, after
		}
		// The library numbers lines from 0 in parser errors (all worded
		// "did not find expected …") and from 1 in scanner errors.
		if strings.HasPrefix(msg, "did not find expected") {
			line++
		}
	}
	if strings.Contains(msg, "unexpected end of stream") {
		// The scanner ran to the end inside a quoted value: point at its
		// opening quote, not at the closing fence.
		if qLine, qCol, ok := unclosedQuote(fm); ok {
			return Problem{Line: qLine + fmLine - 1, Col: qCol,
				Msg: "broken YAML front matter: this quoted value is never closed (" + msg + ")"}
		}
	}
	lines := bytes.Count(fm, []byte{'\n'}) + 1
	line = min(max(line, 1), lines)
	return Problem{Line: line + fmLine - 1, Col: 1, Msg: "broken YAML front matter: " + msg}
}

// unclosedQuote finds the opening quote of a YAML quoted scalar that is
// still open at the end of fm: its line and column (from 1).
func unclosedQuote(fm []byte) (line, col int, ok bool) {
	var quote byte // the open quote, 0 outside one
	line, col = 1, 0
	qLine, qCol := 0, 0
	prev := byte('\n') // the last character that was not a space or tab
	for i := 0; i < len(fm); i++ {
		c := fm[i]
		col++
		switch {
		case quote == '"' && c == '\\':
			i++
			col++
		case quote != 0 && c == quote:
			if quote == '\'' && i+1 < len(fm) && fm[i+1] == '\'' {
				i++
				col++
				continue
			}
			quote = 0
		case quote == 0 && c == '#' && (prev == '\n' || i > 0 && (fm[i-1] == ' ' || fm[i-1] == '\t')):
			for i+1 < len(fm) && fm[i+1] != '\n' {
				i++
			}
		case quote == 0 && (c == '"' || c == '\'') && strings.IndexByte("\n:-[{,?", prev) >= 0:
			quote, qLine, qCol = c, line, col
		}
		if c == '\n' {
			line, col = line+1, 0
		}
		if c != ' ' && c != '\t' {
			prev = c
		}
	}
	return qLine, qCol, quote != 0
}

// parseTOML decodes TOML front matter that starts on file line fmLine.
// BurntSushi/toml does not report key positions, so a key's position is
// found by looking for the line that assigns it.
func parseTOML(fm []byte, fmLine int) (meta, error) {
	var raw map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(fm)).Decode(&raw); err != nil {
		line, col := 1, 1
		if pe, ok := err.(toml.ParseError); ok {
			line, col = position(fm, pe.Position.Start)
			err = fmt.Errorf("%s", pe.Message)
		}
		return nil, Problem{Line: line + fmLine - 1, Col: col, Msg: "broken TOML front matter: " + err.Error()}
	}
	var m meta
	for k, x := range raw {
		line, col := tomlKeyPos(fm, k)
		m.set(strings.ToLower(k), tomlValue(x, line+fmLine-1, col, 0))
	}
	return m, nil
}

// tomlValue converts a decoded value at depth 0 (a front matter key) or
// deeper, reading lists and tables as yamlValue does.
func tomlValue(x any, line, col, depth int) value {
	v := value{line: line, col: col}
	switch x := x.(type) {
	case string:
		v.str = x
	case time.Time:
		name := x.Location().String()
		v.time, v.local = x, name == "datetime-local" || name == "date-local"
	case []any:
		v.isList = true
		for _, e := range x {
			if depth > 1 {
				break
			}
			v.list = append(v.list, tomlValue(e, line, col, depth+1))
		}
	case map[string]any:
		v.nested = true
		for k, e := range x {
			if depth <= 1 {
				v.fields.set(strings.ToLower(k), tomlValue(e, line, col, depth+1))
			}
		}
	case []map[string]any:
		v.isList = true
		for _, e := range x {
			if depth > 1 {
				break
			}
			v.list = append(v.list, tomlValue(e, line, col, depth+1))
		}
	default:
		v.str = fmt.Sprint(x)
	}
	return v
}

// tomlKeyPos returns the position of the value assigned to key at the top
// level of fm, or 1:1 when it cannot be found.
func tomlKeyPos(fm []byte, key string) (line, col int) {
	inTable := false
	for i, l := range strings.Split(string(fm), "\n") {
		t := strings.TrimLeft(l, " \t")
		indent := len([]rune(l[:len(l)-len(t)]))
		if strings.HasPrefix(t, "[") {
			inTable = true // keys below belong to the table
			name := strings.Trim(strings.TrimSpace(strings.SplitN(t, "#", 2)[0]), "[]")
			if strings.Trim(strings.TrimSpace(name), `"'`) == key {
				return i + 1, indent + 1
			}
			continue
		}
		name, rest, ok := strings.Cut(t, "=")
		name = strings.Trim(strings.TrimSpace(name), `"'`)
		if ok && !inTable && name == key {
			valueStart := len(l) - len(strings.TrimLeft(rest, " \t"))
			return i + 1, len([]rune(l[:valueStart])) + 1
		}
	}
	return 1, 1
}
