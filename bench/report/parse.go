package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// errNoFigure is wrapped when an input holds none of the figures asked for.
var errNoFigure = errors.New("no figure found")

// benchSet is the output of `go test -bench`: benchmark name (without its
// -GOMAXPROCS suffix) -> unit -> one value per run (-count).
type benchSet map[string]map[string]sample

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parseGoBench reads `go test -bench` output. Lines that are not results
// are skipped; a result line whose values do not parse is an error.
func parseGoBench(r io.Reader) (benchSet, error) {
	set := benchSet{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		fields := strings.Fields(m[2])
		if len(fields)%2 != 0 {
			return nil, fmt.Errorf("read benchmark line %d: odd number of value-unit fields in %q", n, m[2])
		}
		for i := 0; i < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("read benchmark line %d: value %q: %w", n, fields[i], err)
			}
			if set[m[1]] == nil {
				set[m[1]] = map[string]sample{}
			}
			set[m[1]][fields[i+1]] = append(set[m[1]][fields[i+1]], v)
		}
	}
	return set, sc.Err()
}

// get returns the values of unit for benchmark name, or an error naming
// both when the run did not report them.
func (s benchSet) get(name, unit string) (sample, error) {
	v := s[name][unit]
	if len(v) == 0 {
		return nil, fmt.Errorf("benchmark %s %s: %w", name, unit, errNoFigure)
	}
	return v, nil
}

// parseHyperfine reads hyperfine's --export-json: command name -> the
// seconds of every run.
func parseHyperfine(r io.Reader) (map[string]sample, error) {
	var doc struct {
		Results []struct {
			Command string    `json:"command"`
			Times   []float64 `json:"times"`
		} `json:"results"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("read hyperfine json: %w", err)
	}
	out := map[string]sample{}
	for _, res := range doc.Results {
		if len(res.Times) == 0 {
			return nil, fmt.Errorf("read hyperfine json: command %q has no times: %w", res.Command, errNoFigure)
		}
		out[res.Command] = res.Times
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read hyperfine json: no results: %w", errNoFigure)
	}
	return out, nil
}

var wrkRate = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)

// parseWrk returns the requests per second of one wrk run. A run with
// socket errors or non-2xx/3xx answers is an error: its rate would lie.
func parseWrk(text string) (float64, error) {
	if strings.Contains(text, "Non-2xx or 3xx responses") || strings.Contains(text, "Socket errors") {
		return 0, fmt.Errorf("read wrk output: the run had errors:\n%s", text)
	}
	m := wrkRate.FindStringSubmatch(text)
	if m == nil {
		return 0, fmt.Errorf("read wrk output: no Requests/sec line: %w", errNoFigure)
	}
	return strconv.ParseFloat(m[1], 64)
}
