package siteconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

// decode reads YAML, TOML or JSON (by extension) into a map with
// lowercase keys at every level, as Hugo reads its config.
func decode(ext string, data []byte) (map[string]any, error) {
	var m map[string]any
	var err error
	switch strings.ToLower(ext) {
	case ".toml":
		_, err = toml.NewDecoder(bytes.NewReader(data)).Decode(&m)
	case ".json":
		err = json.Unmarshal(data, &m)
	case ".yaml", ".yml":
		err = yaml.Unmarshal(data, &m)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return lower(m).(map[string]any), nil
}

func lower(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[strings.ToLower(k)] = lower(x)
		}
		return out
	case []any:
		for i := range v {
			v[i] = lower(v[i])
		}
	case []map[string]any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = lower(v[i])
		}
		return out
	}
	if v == nil {
		return map[string]any{}
	}
	return v
}

// text returns a scalar as text; "" and false for maps, lists and nil.
func text(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool, int, int64, float64, uint64:
		return fmt.Sprint(v), true
	case time.Time:
		return v.Format(time.RFC3339), true
	}
	return "", false
}

// str returns m[key] as text, "" when absent or not a scalar.
func str(m map[string]any, key string) string {
	s, _ := text(m[key])
	return strings.TrimSpace(s)
}

func table(m map[string]any, key string) map[string]any {
	t, _ := m[key].(map[string]any)
	return t
}

func truthy(m map[string]any, key string) bool {
	switch v := m[key].(type) {
	case bool:
		return v
	case string:
		b, _ := strconv.ParseBool(v)
		return b
	}
	return false
}

// flatten adds m's scalars to vars under prefix + lowercase dotted key,
// two tables deep.
func flatten(vars map[string]string, prefix string, m map[string]any, depth int) {
	for k, v := range m {
		if s, ok := text(v); ok {
			vars[prefix+k] = s
		} else if t, ok := v.(map[string]any); ok && depth < 2 {
			flatten(vars, prefix+k+".", t, depth+1)
		}
	}
}

// lineOf returns the 1-based line where key is set in a YAML, TOML or JSON
// file, searching after the line of section ("" for the top level); 1 when
// it cannot be found.
func lineOf(data []byte, section, key string) int {
	start := 0
	if section != "" {
		if l := findKey(data, 0, section); l > 0 {
			start = l
		}
	}
	if l := findKey(data, start, key); l > 0 {
		return l
	}
	return max(start, 1)
}

// findKey returns the line (1-based, after line from) assigning key
// (case-insensitive, quoted or not, "key =", "key:", or a [key] table
// header), or 0.
func findKey(data []byte, from int, key string) int {
	re := regexp.MustCompile(`(?i)^\s*(\[\s*)?["']?` + regexp.QuoteMeta(key) + `["']?\s*(=|:|\])`)
	for i, line := range bytes.Split(data, []byte{'\n'}) {
		if i >= from && re.Match(line) {
			return i + 1
		}
	}
	return 0
}
