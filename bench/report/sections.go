package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// programs of the cold build, in table order, with what each does.
var programs = []struct{ name, about string }{
	{"herald", "`herald build`, the three site feeds (RSS, Atom, JSON Feed) of the newest 20 posts"},
	{"herald-full", "`herald build` with its defaults: also a feed per tag and per author, in three formats"},
	{"hugo", "Hugo, only the home RSS feed of the newest 20 posts (`bench/gen` writes its config)"},
	{"plain", "`bench/plain`: read, parse, render every post, write the three site feeds, one post after another"},
}

func (r *report) buildSection(in inputs) {
	r.printf("## 1. Cold build\n\nEach run starts a new process on the same generated corpus (`bench/gen -seed 1`) and writes into\n")
	r.printf("an empty output folder; the posts are in the page cache for every program alike. herald parses\n")
	r.printf("the front matter of every post and renders the Markdown of only the posts its feeds show, on every\n")
	r.printf("core; the plain program renders every post on one core, as the straightforward program of issue 7 does.\n\n")
	for _, p := range programs {
		r.printf("- **%s**: %s\n", p.name, p.about)
	}
	r.printf("\n")
	if in.buildErr != nil {
		r.printf("Not measured: %v\n\n", in.buildErr)
		r.missing("Cold build of 10,000 posts ≥ 8× faster than Hugo", in.buildErr)
		return
	}
	for _, posts := range slices.Sorted(maps.Keys(in.builds)) {
		r.buildTable(posts, in.builds[posts])
	}
	r.buildGoals(in.builds[10_000])
}

func (r *report) buildTable(posts int, times map[string]sample) {
	r.printf("### %s posts\n\n| Program | Time | Time ÷ herald's |\n| --- | --- | --- |\n", thousands(posts))
	base, ok := times["herald"]
	for _, p := range programs {
		t, found := times[p.name]
		if !found {
			continue
		}
		rel := "–"
		if ok {
			rel = ratio(t.median(), base.median())
		}
		r.printf("| %s | %s | %s |\n", p.name, t.scaled(1000).spread("ms"), rel)
	}
	r.printf("\n")
}

func (r *report) buildGoals(times map[string]sample) {
	herald, hugo, plain := times["herald"], times["hugo"], times["plain"]
	if len(herald) == 0 || len(hugo) == 0 || len(plain) == 0 {
		r.missing("Cold build of 10,000 posts ≥ 8× faster than Hugo", fmt.Errorf("no 10,000-post build of herald, hugo and plain: %w", errNoFigure))
		return
	}
	speedup := hugo.median() / herald.median()
	r.goal("Cold build of 10,000 posts ≥ 8× faster than Hugo",
		fmt.Sprintf("%.2f× (herald %s ms, Hugo %s ms)", speedup, num(herald.median()*1000), num(hugo.median()*1000)), speedup >= 8)
	vsPlain := plain.median() / herald.median()
	r.goal("Cold build of 10,000 posts faster than the plain Go program",
		fmt.Sprintf("%.2f× (plain %s ms)", vsPlain, num(plain.median()*1000)), vsPlain > 1)
}

// thousands formats n with comma separators: 10000 -> "10,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// editCases are the sub-benchmarks of BenchmarkEditToFeed1k and 10k.
var editCases = []struct{ name, about string }{
	{"newest/disk", "edit the newest post; time until every changed feed file is on disk (`lib.Update` + publish)"},
	{"newest/served", "the same edit; time until the web server serves the new feeds (the daemon's whole `handleBatch`)"},
	{"old/served", "edit a post too old to be in any feed; the daemon's whole `handleBatch`"},
}

func (r *report) editSection(in inputs) {
	r.printf("## 2. Edit to feed in the daemon\n\n`BenchmarkEditToFeed1k` and `BenchmarkEditToFeed10k` (internal/app/bench_test.go) load a daemon over the\n")
	r.printf("corpus as `herald serve` does (SQLite store, feeds built, web server fed), then save one post with a new\n")
	r.printf("sentence and run the code the daemon runs after the debounce window (the debounce is excluded), once per\n")
	r.printf("iteration. Per-edit median (p50) and 99th percentile (p99) in ms; each is the median over the runs, with\n")
	r.printf("the range.\n\n")
	for _, c := range editCases {
		r.printf("- **%s**: %s\n", c.name, c.about)
	}
	r.printf("\n| Case | 1,000 posts p50 | p99 | 10,000 posts p50 | p99 | 10k ÷ 1k (p50) |\n| --- | --- | --- | --- | --- | --- |\n")
	growth := map[string]float64{}
	for _, c := range editCases {
		r.printf("| %s", c.name)
		var p50 [2]float64
		for i, size := range []string{"1k", "10k"} {
			for _, unit := range []string{"p50-ms", "p99-ms"} {
				s, err := in.edit.get("BenchmarkEditToFeed"+size+"/"+c.name, unit)
				if err != nil {
					r.printf(" | not measured")
					continue
				}
				r.printf(" | %s", s.spread("ms"))
				if unit == "p50-ms" {
					p50[i] = s.median()
				}
			}
		}
		if p50[0] > 0 && p50[1] > 0 {
			growth[c.name] = p50[1] / p50[0]
			r.printf(" | %s |\n", ratio(p50[1], p50[0]))
		} else {
			r.printf(" | – |\n")
		}
	}
	r.printf("\n")
	r.editGoals(in.edit, growth)
}

func (r *report) editGoals(edit benchSet, growth map[string]float64) {
	for _, c := range []struct{ name, goal string }{
		{"newest/disk", "Edit to feed file on disk, 10,000 posts, p99 ≤ 20 ms"},
		{"newest/served", "Edit to served feed, 10,000 posts, p99 ≤ 20 ms"},
	} {
		p50, err50 := edit.get("BenchmarkEditToFeed10k/"+c.name, "p50-ms")
		p99, err99 := edit.get("BenchmarkEditToFeed10k/"+c.name, "p99-ms")
		if err50 != nil || err99 != nil {
			r.missing(c.goal, fmt.Errorf("no p50 and p99: %w", errNoFigure))
			continue
		}
		// The goal is on the 99th percentile (issue 18), not the median: an
		// edit that waits for a collection is an edit the writer waits for.
		r.goal(c.goal, fmt.Sprintf("p50 %s ms, p99 %s ms", num(p50.median()), num(p99.median())), p99.median() <= 20)
	}
	if len(growth) != len(editCases) {
		r.missing("Edit time independent of corpus size", fmt.Errorf("a case is missing at 1k or 10k: %w", errNoFigure))
		return
	}
	holds, figure := true, ""
	for _, c := range editCases {
		figure += fmt.Sprintf("%s %s; ", c.name, ratio(growth[c.name], 1))
		holds = holds && growth[c.name] <= 1.5
	}
	r.goal("Edit time independent of corpus size (p50 at 10k within 1.5× of 1k, every case)", figure[:len(figure)-2], holds)
}

func (r *report) serveSection(in inputs) {
	r.printf("## 3. Serving the site feed\n\n`herald serve` over the 10,000-post corpus against `bench/servefile` (Go's `http.ServeFile` of the same\n")
	r.printf("`rss.xml`, with the same ETag) and nginx serving herald's output folder with the location block of\n")
	r.printf("docs/production.md (one worker), all on loopback, measured with wrk (no gzip asked; the 304 sends a\n")
	r.printf("matching `If-None-Match`). The rounds alternate between the servers, and which one goes first. On a\n")
	r.printf("machine with two cores or more, the server runs on core 0 and wrk (one thread) on core 1 (`taskset`),\n")
	r.printf("so that the load generator does not take CPU from the server it measures. herald runs as in production,\n")
	r.printf("with its read, write and idle timeouts, metrics and security headers; servefile has none of them.\n")
	r.printf("herald and nginx send the file herald wrote with sendfile(2). Requests per second:\n\n")
	r.printf("| Response | herald | http.ServeFile | nginx | herald ÷ ServeFile | herald ÷ nginx |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, status := range []string{"200", "304"} {
		h, f, n := in.wrk["herald-"+status], in.wrk["servefile-"+status], in.wrk["nginx-"+status]
		name := "Serving a " + status + " at ≥ 90% of http.ServeFile (wrk)"
		if len(h) == 0 || len(f) == 0 {
			r.printf("| %s | not measured | not measured | not measured | – | – |\n", status)
			r.missing(name, fmt.Errorf("wrk: %v", orNoFigure(in.wrkErr)))
			continue
		}
		q := h.median() / f.median()
		nginx, vsNginx := "not measured", "–"
		if len(n) > 0 {
			nginx, vsNginx = n.spread("req/s"), ratio(h.median(), n.median())
		}
		r.printf("| %s | %s | %s | %s | %s | %s |\n", status, h.spread("req/s"), f.spread("req/s"), nginx, ratio(q, 1), vsNginx)
		r.goal(name, fmt.Sprintf("%.0f%% (%s vs %s req/s)", q*100, num(h.median()), num(f.median())), q >= 0.9)
	}
	r.printf("\nThe same comparison as Go benchmarks over `httptest` (internal/web/serve_bench_test.go, 8 parallel\n")
	r.printf("keep-alive clients per core, in the same process):\n\n| Response | herald | http.ServeFile | herald ÷ ServeFile |\n| --- | --- | --- | --- |\n")
	for _, status := range []string{"200", "304"} {
		h, errH := in.serveGo.get("BenchmarkServeFeed"+status, "req/s")
		f, errF := in.serveGo.get("BenchmarkServeFile"+status, "req/s")
		if errH != nil || errF != nil {
			r.printf("| %s | not measured | not measured | – |\n", status)
			continue
		}
		r.printf("| %s | %s | %s | %s |\n", status, h.spread("req/s"), f.spread("req/s"), ratio(h.median(), f.median()))
	}
	r.printf("\n")
}

func orNoFigure(err error) error {
	if err == nil {
		return errNoFigure
	}
	return err
}

func (r *report) newsSection(in inputs) {
	r.printf("## 4. Newsletter\n\nSending one issue to 10,000 active subscribers through the whole engine (`BenchmarkSendIssue10k`:\n")
	r.printf("SQLite ledger, the embedded templates, rendered once per topic set with each subscriber's name and links\n")
	r.printf("filled in, 4 SMTP connections) beside a plain go-mail loop over 4 connections that sends each recipient\n")
	r.printf("the message herald renders for one of them, the same bytes with no ledger and no templates\n")
	r.printf("(`BenchmarkPlainLoop10k/same`), both to the same kind of discarding SMTP server on loopback, in rounds that\n")
	r.printf("alternate the two. The plain loop with a two-line message (`BenchmarkPlainLoop10k/tiny`) shows what the\n")
	r.printf("message size costs. Then the mail transport alone (`BenchmarkSMTPSend`) beside plain go-mail clients\n")
	r.printf("(`BenchmarkPlainGoMail`), and the peak heap while sending one issue (`BenchmarkSendIssueMemory`, sampled\n")
	r.printf("every 10 ms).\n\n")
	r.printf("| Measure | herald | plain go-mail | herald ÷ plain |\n| --- | --- | --- | --- |\n")
	for _, c := range []struct{ label, herald, plain, goal string }{
		{"Issue to 10,000 subscribers", "BenchmarkSendIssue10k", "BenchmarkPlainLoop10k/same", "Newsletter send at ≥ 90% of a plain go-mail loop"},
		{"Issue to 10,000 subscribers, plain loop with a two-line message", "BenchmarkSendIssue10k", "BenchmarkPlainLoop10k/tiny", ""},
		{"Transport only, 10,000 messages", "BenchmarkSMTPSend", "BenchmarkPlainGoMail", ""},
	} {
		h, errH := in.news.get(c.herald, "msgs/s")
		p, errP := in.news.get(c.plain, "msgs/s")
		if errH != nil || errP != nil {
			r.printf("| %s | not measured | not measured | – |\n", c.label)
			if c.goal != "" {
				r.missing(c.goal, fmt.Errorf("%s or %s did not run: %w", c.herald, c.plain, errNoFigure))
			}
			continue
		}
		q := h.median() / p.median()
		r.printf("| %s | %s | %s | %s |\n", c.label, h.spread("msgs/s"), p.spread("msgs/s"), ratio(q, 1))
		if c.goal != "" {
			r.goal(c.goal, fmt.Sprintf("%.0f%% (%s vs %s msgs/s)", q*100, num(h.median()), num(p.median())), q >= 0.9)
		}
	}
	r.printf("\n| Subscribers | Peak heap |\n| --- | --- |\n")
	for _, size := range []string{"10k", "100k"} {
		label := strings.Replace(size, "k", ",000", 1)
		s, err := in.news.get("BenchmarkSendIssueMemory/"+size, "peak-heap-MB")
		if err != nil {
			r.printf("| %s | not measured |\n", label)
			if size == "100k" {
				r.missing("Peak memory sending to 100,000 subscribers under 100 MB", err)
			}
			continue
		}
		r.printf("| %s | %s |\n", label, s.spread("MB"))
		if size == "100k" {
			r.goal("Peak memory sending to 100,000 subscribers under 100 MB", num(s.median())+" MB", s.median() < 100)
		}
	}
	r.printf("\n")
}
