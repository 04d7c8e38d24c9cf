package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in the configuration. Line and Col are 1-based and 0
// when the value did not come from the file (a default, or the environment
// variable named by Env).
type Error struct {
	File string
	Line int
	Col  int
	Key  string // dotted key, e.g. "server.listen" or "vacation[1].until"; may be empty
	Env  string // environment variable that set the bad value; empty when none
	Msg  string
}

// Error returns "file:line:col: msg", "file: env NAME: msg" or "file: msg".
func (e *Error) Error() string {
	switch {
	case e.Env != "":
		return fmt.Sprintf("%s: env %s: %s", e.File, e.Env, e.Msg)
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	default:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
}

// Errors is every problem Load found, in file order, then the ones without
// a line. Load returns it as its error; use errors.As to get it.
type Errors []*Error

// Error returns one problem a line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sort orders es by position; problems without a line come last.
func (es Errors) sort() {
	slices.SortStableFunc(es, func(a, b *Error) int {
		if (a.Line == 0) != (b.Line == 0) {
			if a.Line == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}
