// Command report turns the raw output of one bench/run into
// docs/benchmarks.md: it reads the files bench/run wrote into a folder and
// prints Markdown. It measures nothing itself.
//
//	go run ./bench/report -in DIR > docs/benchmarks.md
//
// DIR holds env.txt (key=value lines: date, commit, cpu, cores, memory, os,
// go, hugo, wrk, timer, load_start, load_end), build-<posts>.json
// (hyperfine --export-json, commands named herald, herald-full, hugo,
// plain), edit.txt, serve-go.txt, news.txt and heap.txt (`go test -bench`
// output), wrk/<server>-<status>-<round>.txt (wrk output; servers herald,
// servefile, nginx) and memory.txt (see memSet). A missing file is
// reported in the document as "not measured", never guessed.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	in := flag.String("in", "", "`folder` of bench/run's raw results")
	flag.Parse()
	if *in == "" {
		fmt.Fprintln(os.Stderr, "usage: report -in DIR > docs/benchmarks.md")
		os.Exit(2)
	}
	data, err := load(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	fmt.Print(render(data))
}

// load reads dir. Only an unreadable env.txt is an error: a missing
// measurement becomes "not measured" in the document.
func load(dir string) (inputs, error) {
	var in inputs
	var err error
	if in.env, err = readEnv(filepath.Join(dir, "env.txt")); err != nil {
		return in, err
	}
	in.builds, in.buildErr = readBuilds(dir)
	in.edit = readBench(filepath.Join(dir, "edit.txt"))
	in.serveGo = readBench(filepath.Join(dir, "serve-go.txt"))
	in.news = readBench(filepath.Join(dir, "news.txt"))
	in.wrk, in.wrkErr = readWrk(filepath.Join(dir, "wrk"))
	in.mem, in.memErr = readMemory(filepath.Join(dir, "memory.txt"))
	in.heap = readBench(filepath.Join(dir, "heap.txt"))
	return in, nil
}

// readEnv reads key=value lines; blank lines and lines without "=" are
// skipped.
func readEnv(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read machine description: %w", err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			env[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return env, sc.Err()
}

// readBuilds reads build-<posts>.json files.
func readBuilds(dir string) (map[int]map[string]sample, error) {
	paths, _ := filepath.Glob(filepath.Join(dir, "build-*.json")) // the pattern is valid
	if len(paths) == 0 {
		return nil, fmt.Errorf("no build-*.json in %s: %w", dir, errNoFigure)
	}
	out := map[int]map[string]sample{}
	for _, p := range paths {
		posts, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "build-"), ".json"))
		if err != nil {
			return nil, fmt.Errorf("read %s: the name has no post count", p)
		}
		if out[posts], err = readHyperfine(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func readHyperfine(path string) (map[string]sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseHyperfine(f)
}

// readBench reads `go test -bench` output; a missing or broken file gives
// an empty set, so every figure from it reads "not measured".
func readBench(path string) benchSet {
	f, err := os.Open(path)
	if err != nil {
		return benchSet{}
	}
	defer f.Close()
	set, err := parseGoBench(f)
	if err != nil {
		fmt.Fprintf(os.Stderr, "report: %s: %v\n", path, err)
		return benchSet{}
	}
	return set
}

// readWrk reads dir/<server>-<status>-<round>.txt into "server-status" ->
// req/s of every round.
func readWrk(dir string) (map[string]sample, error) {
	paths, _ := filepath.Glob(filepath.Join(dir, "*-*-*.txt")) // the pattern is valid
	if len(paths) == 0 {
		return nil, fmt.Errorf("no wrk output in %s: %w", dir, errNoFigure)
	}
	out := map[string]sample{}
	var errs []error
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txt")
		key := name[:strings.LastIndex(name, "-")]
		text, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		rate, err := parseWrk(string(text))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		out[key] = append(out[key], rate)
	}
	return out, errors.Join(errs...)
}
