package main

import (
	"fmt"
	"strings"
)

// inputs is everything one bench/run measured. A nil set or map means the
// measurement did not run; its section then says so with err.
type inputs struct {
	env      map[string]string         // machine and versions, from env.txt
	builds   map[int]map[string]sample // posts -> program -> seconds
	buildErr error
	edit     benchSet
	serveGo  benchSet
	wrk      map[string]sample // "herald-200", "servefile-304", ... -> req/s
	wrkErr   error
	news     benchSet
	mem      memSet // memory.txt
	memErr   error
	heap     benchSet // heap.txt
}

// goal is one line of the summary: a target, the figure and whether it holds.
type goal struct {
	name, figure string
	holds        bool
	known        bool // false when the figure is missing
}

// report accumulates the document and its goals.
type report struct {
	body  strings.Builder
	goals []goal
}

func (r *report) printf(format string, args ...any) { fmt.Fprintf(&r.body, format, args...) }

func (r *report) goal(name, figure string, holds bool) {
	r.goals = append(r.goals, goal{name: name, figure: figure, holds: holds, known: true})
}

func (r *report) missing(name string, err error) {
	r.goals = append(r.goals, goal{name: name, figure: "not measured: " + err.Error()})
}

// render returns docs/benchmarks.md for in.
func render(in inputs) string {
	r := &report{}
	r.buildSection(in)
	r.editSection(in)
	r.serveSection(in)
	r.newsSection(in)
	r.memorySection(in)
	var doc strings.Builder
	doc.WriteString(header(in.env))
	doc.WriteString(goalTable(r.goals))
	doc.WriteString(r.body.String())
	doc.WriteString(footer(in.env))
	return doc.String()
}

func header(env map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\nWritten by `bench/run` on %s at commit %s; do not edit by hand, run it again.\n\n", env["date"], env["commit"])
	b.WriteString("Each figure is the median of several runs with the smallest and largest run in brackets; each ratio\n")
	b.WriteString("compares medians taken in the same `bench/run`. Timings are wall-clock on a machine that other\n")
	b.WriteString("work may share: the load average before and after the run is given so a noisy run can be spotted.\n\n")
	b.WriteString("## Machine\n\n| | |\n| --- | --- |\n")
	for _, k := range []struct{ key, label string }{
		{"cpu", "CPU"}, {"cores", "Cores"}, {"memory", "Memory"}, {"os", "System"}, {"go", "Go"},
		{"hugo", "Hugo"}, {"wrk", "wrk"}, {"nginx", "nginx"}, {"timer", "Timer"}, {"load_start", "Load average at start"}, {"load_end", "Load average at end"},
	} {
		fmt.Fprintf(&b, "| %s | %s |\n", k.label, orUnknown(env[k.key]))
	}
	return b.String() + "\n"
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func goalTable(goals []goal) string {
	var b strings.Builder
	b.WriteString("## Goals\n\n| Goal | Figure | Holds |\n| --- | --- | --- |\n")
	for _, g := range goals {
		verdict := "**no**"
		switch {
		case !g.known:
			verdict = "not measured"
		case g.holds:
			verdict = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", g.name, g.figure, verdict)
	}
	return b.String() + "\n"
}

func footer(env map[string]string) string {
	return "## How to reproduce\n\n```\n" +
		"bench/run                   # this checkout as it is; installs hugo, wrk, curl, nginx-light, time and hyperfine when missing\n" +
		"BENCH_REV=HEAD bench/run    # a commit only, without the uncommitted work of the checkout\n" +
		"BENCH_RUNS=20 bench/run     # more runs per cold build (default 10); BENCH_QUICK=1 checks the script\n" +
		"```\n\n" +
		"It takes about 12 minutes on 2 cores and 2 GB of disk, uses loopback only and stops what it starts.\n" +
		"The Go benchmarks behind sections 2 to 5 also run on their own, e.g.\n" +
		"`go test ./internal/app -run '^$' -bench EditToFeed -benchtime 100x`,\n" +
		"`go test ./internal/web -run '^$' -bench 'Serve(Feed|File)[23]'`,\n" +
		"`go test ./internal/newsletter -run '^$' -bench . -benchtime 1x`,\n" +
		"`go test ./internal/post -run '^$' -bench HeapPerPost -benchtime 1x`,\n" +
		"`go test ./internal/feed -run '^$' -bench HeapPerFeed -benchtime 1x`.\n"
}

// ratio formats a/b as "4.61×".
func ratio(a, b float64) string { return fmt.Sprintf("%.2f×", a/b) }
