package config

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// fromTOML converts a decoded TOML value to the Go value of kind k: string,
// int, float64, bool, time.Duration, []string or map[string]float64.
func fromTOML(k kind, v any) (any, error) {
	switch k {
	case kString, kPath:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case kInt:
		if n, ok := v.(int64); ok {
			return int(n), nil
		}
	case kFloat:
		switch n := v.(type) {
		case float64:
			return checkFinite(n)
		case int64:
			return float64(n), nil
		}
	case kBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case kDuration:
		if s, ok := v.(string); ok {
			return parseDuration(s)
		}
	case kStrings:
		return stringsFromTOML(v)
	case kRates:
		return ratesFromTOML(v)
	}
	return nil, wrongType(k, v)
}

// fromEnv converts an environment value to the Go value of kind k.
func fromEnv(k kind, s string) (any, error) {
	switch k {
	case kInt:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("want an integer, got %q", s)
		}
		return n, nil
	case kFloat:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("want a number, got %q", s)
		}
		return checkFinite(f)
	case kBool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("want true or false, got %q", s)
		}
		return b, nil
	case kDuration:
		return parseDuration(s)
	case kStrings:
		return splitList(s), nil
	case kRates:
		return ratesFromEnv(s)
	}
	return s, nil
}

func checkFinite(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("want a finite number, got %v", f)
	}
	return f, nil
}

func parseDuration(s string) (any, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf(`want a duration such as "30s" or "4h", got %q`, s)
	}
	if d < 0 {
		return nil, fmt.Errorf("want a positive duration, got %q", s)
	}
	return d, nil
}

func stringsFromTOML(v any) (any, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, wrongType(kStrings, v)
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("want a list of strings, item %d is %s", i+1, describe(e))
		}
		out = append(out, s)
	}
	return out, nil
}

func ratesFromTOML(v any) (any, error) {
	tab, ok := v.(map[string]any)
	if !ok {
		return nil, wrongType(kRates, v)
	}
	out := make(map[string]float64, len(tab))
	for _, dom := range slices.Sorted(maps.Keys(tab)) {
		f, err := fromTOML(kFloat, tab[dom])
		if err != nil {
			return nil, fmt.Errorf("rate of %q: %w", dom, err)
		}
		out[strings.ToLower(dom)] = f.(float64)
	}
	return out, nil
}

func ratesFromEnv(s string) (any, error) {
	out := map[string]float64{}
	for _, item := range splitList(s) {
		dom, rate, ok := strings.Cut(item, "=")
		f, err := strconv.ParseFloat(strings.TrimSpace(rate), 64)
		if !ok || err != nil || strings.TrimSpace(dom) == "" {
			return nil, fmt.Errorf("want domain=rate pairs separated by commas, got %q", item)
		}
		out[strings.ToLower(strings.TrimSpace(dom))] = f
	}
	return out, nil
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func wrongType(k kind, v any) error {
	return fmt.Errorf("want a %s, got %s", k, describe(v))
}

// describe names a decoded TOML value's type and shows short values.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("string %q", x)
	case int64:
		return fmt.Sprintf("integer %d", x)
	case float64:
		return fmt.Sprintf("number %v", x)
	case bool:
		return fmt.Sprintf("boolean %v", x)
	case time.Time:
		return "date-time " + x.Format(time.RFC3339)
	case []any:
		return "array"
	case map[string]any, []map[string]any:
		return "table"
	}
	return fmt.Sprintf("%T", v)
}

// assign stores a converted value into the field behind ptr.
func assign(ptr, v any) error {
	switch p := ptr.(type) {
	case *string:
		*p = v.(string)
	case *int:
		*p = v.(int)
	case *float64:
		*p = v.(float64)
	case *bool:
		*p = v.(bool)
	case *time.Duration:
		*p = v.(time.Duration)
	case *[]string:
		*p = v.([]string)
	case *map[string]float64:
		*p = v.(map[string]float64)
	default:
		return errors.New("unsupported field type")
	}
	return nil
}

// display formats the value behind ptr for Settings and Diff.
func display(ptr any) string {
	switch p := ptr.(type) {
	case *string:
		return *p
	case *int:
		return strconv.Itoa(*p)
	case *float64:
		return strconv.FormatFloat(*p, 'g', -1, 64)
	case *bool:
		return strconv.FormatBool(*p)
	case *time.Duration:
		return p.String()
	case *[]string:
		return strings.Join(*p, ",")
	case *map[string]float64:
		pairs := make([]string, 0, len(*p))
		for _, k := range slices.Sorted(maps.Keys(*p)) {
			pairs = append(pairs, k+"="+strconv.FormatFloat((*p)[k], 'g', -1, 64))
		}
		return strings.Join(pairs, ",")
	}
	return fmt.Sprint(ptr)
}
