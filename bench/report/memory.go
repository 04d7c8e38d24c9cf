package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// memSet is bench/run's memory.txt: "case[/phase]" -> key -> one value per
// line. A line is a case name, an optional phase word, and key=value
// fields ("build-10k-full run 2 max_rss_kb=150000",
// "serve-10k-full served rss_kb=90000 hwm_kb=150000").
type memSet map[string]map[string]sample

func readMemory(path string) (memSet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("no memory figures: %w", errNoFigure)
	}
	defer f.Close()
	return parseMemory(f)
}

func parseMemory(r io.Reader) (memSet, error) {
	set := memSet{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		name := fields[0]
		if !strings.Contains(fields[1], "=") && fields[1] != "run" {
			name += "/" + fields[1]
		}
		for _, f := range fields[1:] {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("read memory line %d: %s: %w", n, f, err)
			}
			if set[name] == nil {
				set[name] = map[string]sample{}
			}
			set[name][k] = append(set[name][k], x)
		}
	}
	return set, sc.Err()
}

// mb returns the values of key for name in MB (from kB).
func (s memSet) mb(name, key string) (sample, error) {
	v := s[name][key]
	if len(v) == 0 {
		return nil, fmt.Errorf("%s %s: %w", name, key, errNoFigure)
	}
	return v.scaled(1.0 / 1024), nil
}

// memCases are the resident-memory goals of issue 18.
var memCases = []struct {
	name, label string
	limit       float64 // MB
	build       bool
}{
	{"serve-10k-full", "`herald serve`, 10,000 posts, every feed (256 authors, 500 tags)", 150, false},
	{"build-10k-full", "`herald build`, 10,000 posts, every feed (256 authors, 500 tags)", 200, true},
	{"serve-100k-site", "`herald serve`, 100,000 posts, site feeds", 200, false},
	{"serve-100k-full", "`herald serve`, 100,000 posts, every feed", 400, false},
}

func (r *report) memorySection(in inputs) {
	r.printf("## 5. Resident memory\n\nherald's memory as the kernel counts it (VmRSS and VmHWM of /proc/PID/status; for `herald build`,\n")
	r.printf("the maximum resident set size of `/usr/bin/time`), over corpora of 10,000 and 100,000 posts spread over\n")
	r.printf("256 authors and 500 tags (`bench/gen -authors 256 -tags 500`), with the site feeds only or with every\n")
	r.printf("per-tag and per-author feed (herald's defaults)%s. `herald serve` is measured once it serves\n", feedsNote(in.mem))
	r.printf("(after start), then after every file it wrote was fetched once with gzip and once without and wrk\n")
	r.printf("asked for the site feed for a few seconds (after serving); the peak is VmHWM then, the start's build\n")
	r.printf("included. `herald build` runs three times into an empty folder. The goals are on the larger of the two\n")
	r.printf("resident figures, and on the largest build.\n\n")
	r.printf("| Case | After start | After serving | Peak | Goal |\n| --- | --- | --- | --- | --- |\n")
	for _, c := range memCases {
		goal := fmt.Sprintf("%s: resident ≤ %.0f MB", c.label, c.limit)
		if c.build {
			goal = fmt.Sprintf("%s: peak ≤ %.0f MB", c.label, c.limit)
			peak, err := in.mem.mb(c.name, "max_rss_kb")
			if err != nil {
				r.printf("| %s | – | – | not measured | ≤ %.0f MB |\n", c.label, c.limit)
				r.missing(goal, orNoFigure(in.memErr))
				continue
			}
			r.printf("| %s | – | – | %s | ≤ %.0f MB |\n", c.label, peak.spread("MB"), c.limit)
			r.goal(goal, fmt.Sprintf("%s MB at most (median %s MB)", num(peak.max()), num(peak.median())), peak.max() <= c.limit)
			continue
		}
		start, err1 := in.mem.mb(c.name+"/started", "rss_kb")
		served, err2 := in.mem.mb(c.name+"/served", "rss_kb")
		peak, err3 := in.mem.mb(c.name+"/served", "hwm_kb")
		if err1 != nil || err2 != nil || err3 != nil {
			r.printf("| %s | not measured | not measured | not measured | ≤ %.0f MB |\n", c.label, c.limit)
			r.missing(goal, orNoFigure(in.memErr))
			continue
		}
		resident := max(start.max(), served.max())
		r.printf("| %s | %s MB | %s MB | %s MB | ≤ %.0f MB |\n", c.label, num(start.max()), num(served.max()), num(peak.max()), c.limit)
		r.goal(goal, fmt.Sprintf("%s MB (after start %s MB, peak %s MB)", num(resident), num(start.max()), num(peak.max())), resident <= c.limit)
	}
	r.printf("\nThe Go heap behind it (`BenchmarkHeapPerPost` in internal/post: a Library of the 10,000-post corpus\n")
	r.printf("with every published post rendered once; `BenchmarkHeapPerFeed` in internal/feed: every feed of it\n")
	r.printf("built and written with `Builder.BuildTo`):\n\n| Measure | Figure |\n| --- | --- |\n")
	for _, m := range []struct{ label, bench, unit, suffix string }{
		{"Heap kept per post (metadata, summaries and HTML caches)", "BenchmarkHeapPerPost", "heap-B/post", "bytes"},
		{"Heap kept per feed file after a build (Builder, Writer, item cache)", "BenchmarkHeapPerFeed", "heap-B/file", "bytes"},
		{"Peak heap while building every feed", "BenchmarkHeapPerFeed", "peak-heap-MB", "MB"},
	} {
		s, err := in.heap.get(m.bench, m.unit)
		if err != nil {
			r.printf("| %s | not measured |\n", m.label)
			continue
		}
		r.printf("| %s | %s %s |\n", m.label, num(s.median()), m.suffix)
	}
	r.printf("\n")
}

// feedsNote says how many feed files the 10,000-post corpus gives, when
// bench/run counted them.
func feedsNote(mem memSet) string {
	files, bytes := mem["feeds-10k-full"]["files"], mem["feeds-10k-full"]["bytes_kb"]
	if len(files) == 0 || len(bytes) == 0 {
		return ""
	}
	return fmt.Sprintf(": at 10,000 posts %s files, %s MB without their gzip copies", thousands(int(files.median())), num(bytes.median()/1024))
}
