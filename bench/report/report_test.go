package main

import (
	"github.com/heraldhq/herald/internal/testkit"

	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseGoBench(t *testing.T) {
	cases := []struct {
		name, text  string
		bench, unit string
		want        sample
		wantErr     bool
	}{
		{"one run with metrics", "BenchmarkEditToFeed10k/newest/disk-2  100  9117777 ns/op  8.469 p50-ms  19.42 p99-ms\n",
			"BenchmarkEditToFeed10k/newest/disk", "p99-ms", sample{19.42}, false},
		{"count gives one value per run", "BenchmarkServeFeed200-2 10 1 ns/op 39107 req/s\nBenchmarkServeFeed200-2 10 1 ns/op 41000 req/s\n",
			"BenchmarkServeFeed200", "req/s", sample{39107, 41000}, false},
		{"no GOMAXPROCS suffix", "BenchmarkPlainLoop10k 1 1333231139 ns/op 7501 msgs/s\n", "BenchmarkPlainLoop10k", "msgs/s", sample{7501}, false},
		{"other lines are skipped", "goos: linux\nPASS\nok  pkg 1.2s\n--- FAIL: BenchmarkX\n", "BenchmarkX", "ns/op", nil, false},
		{"a value that is not a number", "BenchmarkX-2 1 abc ns/op\n", "", "", nil, true},
		{"a value without unit", "BenchmarkX-2 1 12 ns/op 7\n", "", "", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set, err := parseGoBench(strings.NewReader(tc.text))
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %t", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			got := set[tc.bench][tc.unit]
			if len(got) != len(tc.want) || (len(got) > 0 && got[len(got)-1] != tc.want[len(tc.want)-1]) {
				t.Fatalf("%s %s = %v, want %v", tc.bench, tc.unit, got, tc.want)
			}
		})
	}
}

func TestBenchSetGetMissing(t *testing.T) {
	_, err := benchSet{}.get("BenchmarkNope", "req/s")
	if !errors.Is(err, errNoFigure) || !strings.Contains(err.Error(), "BenchmarkNope") {
		t.Fatalf("error %v, want errNoFigure naming the benchmark", err)
	}
}

func TestParseHyperfine(t *testing.T) {
	cases := []struct {
		name, json string
		want       map[string]int // command -> number of times
		wantErr    bool
	}{
		{"two commands", `{"results":[{"command":"herald","times":[0.1,0.2,0.3]},{"command":"hugo","times":[1.2]}]}`,
			map[string]int{"herald": 3, "hugo": 1}, false},
		{"not json", `herald 0.1`, nil, true},
		{"no results", `{"results":[]}`, nil, true},
		{"a command without times", `{"results":[{"command":"hugo","times":[]}]}`, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseHyperfine(strings.NewReader(tc.json))
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %t", err, tc.wantErr)
			}
			for cmd, n := range tc.want {
				if len(got[cmd]) != n {
					t.Fatalf("%s has %d times, want %d", cmd, len(got[cmd]), n)
				}
			}
		})
	}
}

func TestParseWrk(t *testing.T) {
	ok := "Running 3s test @ http://127.0.0.1:1/feeds/rss.xml\n  2 threads and 32 connections\nRequests/sec:  12345.67\nTransfer/sec:      1.88GB\n"
	cases := []struct {
		name, text string
		want       float64
		wantErr    bool
	}{
		{"a clean run", ok, 12345.67, false},
		{"socket errors", strings.Replace(ok, "Requests", "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests", 1), 0, true},
		{"error statuses", strings.Replace(ok, "Requests", "  Non-2xx or 3xx responses: 10\nRequests", 1), 0, true},
		{"no rate", "unable to connect to 127.0.0.1:1 Connection refused\n", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseWrk(tc.text)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("parseWrk = %v, %v; want %v, error %t", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestSample(t *testing.T) {
	cases := []struct {
		name           string
		s              sample
		median, lo, hi float64
		spread         string
	}{
		{"odd count", sample{3, 1, 2}, 2, 1, 3, "2.00 ms (1.00–3.00, 3 runs)"},
		{"even count", sample{4, 1, 2, 3}, 2.5, 1, 4, "2.50 ms (1.00–4.00, 4 runs)"},
		{"one run", sample{1234}, 1234, 1234, 1234, "1234 ms (1234–1234, 1 run)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.s.median() != tc.median || tc.s.min() != tc.lo || tc.s.max() != tc.hi || tc.s.spread("ms") != tc.spread {
				t.Fatalf("median %v min %v max %v spread %q", tc.s.median(), tc.s.min(), tc.s.max(), tc.s.spread("ms"))
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{1: "1", 999: "999", 1000: "1,000", 10000: "10,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestReportGolden renders testdata/run (the raw results of a bench/run)
// and compares it with testdata/benchmarks.golden.md; -update rewrites it.
func TestReportGolden(t *testing.T) {
	in, err := load(filepath.Join("testdata", "run"))
	if err != nil {
		t.Fatal(err)
	}
	got := render(in)
	testkit.Golden(t, filepath.Join("testdata", "benchmarks.golden.md"), []byte(got))
}

// TestReportGoals checks the verdicts the golden run implies: every goal is
// listed, the ones its figures miss say so.
func TestReportGoals(t *testing.T) {
	in, err := load(filepath.Join("testdata", "run"))
	if err != nil {
		t.Fatal(err)
	}
	doc := render(in)
	for _, line := range []string{
		"| Cold build of 10,000 posts ≥ 8× faster than Hugo | 9.50× (herald 120 ms, Hugo 1140 ms) | yes |",
		"| Edit to served feed, 10,000 posts, p99 ≤ 20 ms | p50 63.2 ms, p99 116 ms | **no** |",
		"| Serving a 304 at ≥ 90% of http.ServeFile (wrk) |",
		"| Peak memory sending to 100,000 subscribers under 100 MB | not measured:",
		"| `herald serve`, 10,000 posts, every feed (256 authors, 500 tags): resident ≤ 150 MB | 104 MB (after start 88.9 MB, peak 148 MB) | yes |",
		"| `herald build`, 10,000 posts, every feed (256 authors, 500 tags): peak ≤ 200 MB | 157 MB at most (median 154 MB) | yes |",
		"| `herald serve`, 100,000 posts, every feed: resident ≤ 400 MB | 420 MB (after start 210 MB, peak 430 MB) | **no** |",
		"| 200 | 9250 req/s (9000–9500, 2 runs) | 9900 req/s (9800–10000, 2 runs) | 30750 req/s (30500–31000, 2 runs) | 0.93× | 0.30× |",
	} {
		if !strings.Contains(doc, line) {
			t.Errorf("report lacks %q", line)
		}
	}
}

func TestLoadMissingEnv(t *testing.T) {
	if _, err := load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "machine description") {
		t.Fatalf("load of an empty folder: %v, want an error about the machine description", err)
	}
}

func TestLoadMissingMeasurements(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "env.txt"), []byte("date=2026-01-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	doc := render(in)
	goals := doc[strings.Index(doc, "## Goals"):strings.Index(doc, "## 1.")]
	if n := strings.Count(goals, "| not measured |\n"); n != 12 {
		t.Fatalf("%d goals read not measured, want all 12:\n%s", n, doc)
	}
}

func TestParseMemory(t *testing.T) {
	set, err := parseMemory(strings.NewReader("build-10k-full run 1 max_rss_kb=1024\nbuild-10k-full run 2 max_rss_kb=2048\n" +
		"serve-10k-full served rss_kb=3072 hwm_kb=4096\nnoise\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := set.mb("build-10k-full", "max_rss_kb"); len(got) != 2 || got.max() != 2 {
		t.Errorf("build runs %v, want 1 and 2 MB", got)
	}
	if got, _ := set.mb("serve-10k-full/served", "hwm_kb"); len(got) != 1 || got[0] != 4 {
		t.Errorf("served peak %v, want 4 MB", got)
	}
	if _, err := set.mb("serve-100k-site/served", "rss_kb"); !errors.Is(err, errNoFigure) {
		t.Errorf("a case not measured: %v, want errNoFigure", err)
	}
	if _, err := parseMemory(strings.NewReader("build-10k-full run 1 max_rss_kb=lots\n")); err == nil {
		t.Error("a value that is not a number was read")
	}
}
