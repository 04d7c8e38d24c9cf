package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/clock/clocktest"
	"github.com/heraldhq/herald/internal/mail/smtptest"
	"github.com/heraldhq/herald/internal/testkit"
)

// testSite is a site folder with a config and a posts folder.
type testSite struct {
	dir, config, posts string
}

const testConfig = `data_dir = "data"
[site]
title = %q
base_url = "https://blog.example.com"
time_zone = "UTC"
[authors.ana]
name = "Ana"
[posts]
dir = "posts"
[server]
listen = "127.0.0.1:0"
public_url = "http://127.0.0.1:9"
debounce = "20ms"
shutdown_timeout = "5s"
`

func newTestSite(t *testing.T, title string) *testSite {
	t.Helper()
	dir := t.TempDir()
	s := &testSite{dir: dir, config: filepath.Join(dir, "herald.toml"), posts: filepath.Join(dir, "posts")}
	if err := os.MkdirAll(s.posts, 0o755); err != nil {
		t.Fatal(err)
	}
	s.writeConfig(t, fmt.Sprintf(testConfig, title))
	return s
}

func (s *testSite) writeConfig(t *testing.T, text string) {
	t.Helper()
	writeFile(t, s.config, text)
}

func (s *testSite) writePost(t *testing.T, name, title, date string) string {
	t.Helper()
	path := filepath.Join(s.posts, name)
	writeFile(t, path, fmt.Sprintf("---\ntitle: %q\ndate: %s\nauthor: ana\n---\nBody of %s.\n", title, date, title))
	return path
}

func writeFile(t *testing.T, path, text string) { testkit.WriteFile(t, path, text) }

// server is a `herald serve` running in the test through run().
type server struct {
	url    string
	cancel context.CancelFunc
	done   chan error
	hup    chan os.Signal
	logs   *syncBuffer
}

// syncBuffer is testkit.Buffer: a log several goroutines write while the test reads it.
type syncBuffer = testkit.Buffer

func startServe(t *testing.T, site *testSite, clock *clocktest.Fake, environ ...string) *server {
	t.Helper()
	s, err := tryServe(t, site, clock, environ...)
	if err != nil {
		t.Fatalf("serve did not start: %v\n%s", err, s.logs)
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

func tryServe(t *testing.T, site *testSite, clock *clocktest.Fake, environ ...string) (*server, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{cancel: cancel, done: make(chan error, 1), hup: make(chan os.Signal, 1), logs: &syncBuffer{}}
	ready := make(chan string, 1)
	e := env{stdout: s.logs, stderr: s.logs, environ: environ, hup: s.hup, ready: func(a string) { ready <- a }}
	if clock != nil {
		e.clock = clock
	}
	go func() { s.done <- run(ctx, []string{"serve", "-config", site.config}, e) }()
	select {
	case addr := <-ready:
		s.url = "http://" + addr
		return s, nil
	case err := <-s.done:
		cancel()
		return s, fmt.Errorf("serve exited: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		return s, errors.New("serve did not start within 30s")
	}
}

func (s *server) stop(t *testing.T) {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve returned %v\n%s", err, s.logs)
		}
	case <-time.After(15 * time.Second):
		t.Errorf("serve did not stop within 15s")
	}
}

func (s *server) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// eventually polls the served path until cond holds; it waits on the
// daemon's file watcher, which has no completion signal to wait on.
func (s *server) eventually(t *testing.T, path, what string, cond func(body string) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		body := s.get(t, path)
		if cond(body) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen within 10s; %s is:\n%s\nlogs:\n%s", what, path, body, s.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func contains(s string) func(string) bool {
	return func(b string) bool { return strings.Contains(b, s) }
}
func lacks(s string) func(string) bool { return func(b string) bool { return !strings.Contains(b, s) } }

func TestServeFollowsPostChanges(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writePost(t, "first.md", "First post", "2026-01-01")
	s := startServe(t, site, nil)
	s.eventually(t, "/feeds/atom.xml", "initial post", contains("First post"))

	second := site.writePost(t, "second.md", "Second post", "2026-01-02")
	s.eventually(t, "/feeds/atom.xml", "created post", contains("Second post"))

	site.writePost(t, "second.md", "Second post, edited in place", "2026-01-02")
	s.eventually(t, "/feeds/atom.xml", "edit in place", contains("Second post, edited in place"))

	tmp := filepath.Join(site.posts, ".second.md.swp")
	writeFile(t, tmp, "---\ntitle: Second post, saved by rename\ndate: 2026-01-02\n---\nBody.\n")
	if err := os.Rename(tmp, second); err != nil {
		t.Fatal(err)
	}
	s.eventually(t, "/feeds/atom.xml", "write-then-rename", contains("Second post, saved by rename"))

	if err := os.Rename(second, filepath.Join(site.dir, "second.md")); err != nil {
		t.Fatal(err)
	}
	s.eventually(t, "/feeds/atom.xml", "post moved out of the folder", lacks("Second post"))

	writeFile(t, filepath.Join(site.posts, "2026/late/index.md"), "---\ntitle: In a new folder\ndate: 2026-01-03\n---\nx\n")
	s.eventually(t, "/feeds/atom.xml", "post in a folder created later", contains("In a new folder"))

	if err := os.Remove(filepath.Join(site.posts, "first.md")); err != nil {
		t.Fatal(err)
	}
	s.eventually(t, "/feeds/atom.xml", "deleted post", lacks("First post"))
}

func TestServeKeepsLastGoodFeedsWhenAPostBreaks(t *testing.T) {
	site := newTestSite(t, "Test blog")
	path := site.writePost(t, "first.md", "First post", "2026-01-01")
	s := startServe(t, site, nil)
	s.eventually(t, "/feeds/rss.xml", "initial post", contains("First post"))

	writeFile(t, path, "---\ntitle: [unclosed\ndate: 2026-01-01\n---\nx\n")
	site.writePost(t, "other.md", "Other post", "2026-01-02")
	s.eventually(t, "/feeds/rss.xml", "other post still published", contains("Other post"))
	if !regexp.MustCompile(`first\.md:\d+:\d+: `).MatchString(s.logs.String()) {
		t.Errorf("the broken post is not logged with path:line:col:\n%s", s.logs)
	}
}

func TestServeReloadsConfig(t *testing.T) {
	site := newTestSite(t, "Old title")
	site.writePost(t, "first.md", "First post", "2026-01-01")
	s := startServe(t, site, nil)
	s.eventually(t, "/feeds/atom.xml", "old title", contains("<title>Old title</title>"))

	bad := strings.Replace(fmt.Sprintf(testConfig, "Broken title"), "time_zone = \"UTC\"", "time_zone = \"Mars/Olympus\"\nbogus_key = 1", 1)
	site.writeConfig(t, bad)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.logs.String(), "Config error") {
		if time.Now().After(deadline) {
			t.Fatalf("invalid config not reported:\n%s", s.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{"herald.toml:5:", "herald.toml:6:"} {
		if !strings.Contains(s.logs.String(), want) {
			t.Errorf("log lacks the position %s:\n%s", want, s.logs)
		}
	}
	if body := s.get(t, "/feeds/atom.xml"); !strings.Contains(body, "<title>Old title</title>") {
		t.Fatalf("the old config is not in force after an invalid edit:\n%s", body)
	}

	site.writeConfig(t, fmt.Sprintf(testConfig, "New title"))
	s.eventually(t, "/feeds/atom.xml", "fixed config applied", contains("<title>New title</title>"))

	site.writeConfig(t, strings.Replace(fmt.Sprintf(testConfig, "Hup title"), "[site]", "[site]\n", 1))
	s.hup <- nil
	s.eventually(t, "/feeds/atom.xml", "SIGHUP reload", contains("<title>Hup title</title>"))
}

func TestServePublishesFuturePostOnTime(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := clocktest.New(start)
	site := newTestSite(t, "Test blog")
	site.writePost(t, "now.md", "Current post", "2026-02-28")
	site.writePost(t, "later.md", "Future post", "2026-03-01T13:00:00Z")
	s := startServe(t, site, clock)
	s.eventually(t, "/feeds/atom.xml", "current post", contains("Current post"))
	if body := s.get(t, "/feeds/atom.xml"); strings.Contains(body, "Future post") {
		t.Fatalf("future post published early:\n%s", body)
	}
	clock.Advance(59 * time.Minute)
	if body := s.get(t, "/feeds/atom.xml"); strings.Contains(body, "Future post") {
		t.Fatalf("future post published a minute early")
	}
	clock.Advance(time.Minute)
	s.eventually(t, "/feeds/atom.xml", "future post at its date", contains("Future post"))
}

func TestServeRefusesSecondInstance(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writePost(t, "first.md", "First post", "2026-01-01")
	startServe(t, site, nil)
	s, err := tryServe(t, site, nil)
	if err == nil {
		s.stop(t)
		t.Fatal("a second herald on the same data folder started")
	}
	if !strings.Contains(err.Error(), "another herald") {
		t.Fatalf("second start failed with %v, want a message naming the other herald", err)
	}
}

// TestServeReloadSwitchesMailRelay adds a relay to the config while the
// daemon runs: confirmations go to the outbox before and to the relay
// after, and the newsletter engine restarts on the new transport.
func TestServeReloadSwitchesMailRelay(t *testing.T) {
	site := newTestSite(t, "Blog")
	base := fmt.Sprintf(testConfig, "Blog") + "[newsletter]\nenabled = true\n[smtp]\nfrom = \"news@blog.example.com\"\n"
	site.writeConfig(t, base)
	s := startServe(t, site, nil)
	subscribe := func(addr string) {
		t.Helper()
		resp, err := http.PostForm(s.url+"/subscribe", url.Values{"email": {addr}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	outbox := filepath.Join(site.dir, "data", "outbox")
	subscribe("before@example.org")
	waitFor(t, "confirmation in the outbox", func() bool {
		files, _ := filepath.Glob(filepath.Join(outbox, "*.eml"))
		return len(files) == 1
	})

	relay := smtptest.Start(t)
	host, port := relay.Addr()
	site.writeConfig(t, strings.Replace(base, "[smtp]\n", fmt.Sprintf("[smtp]\nurl = \"smtp://%s:%d?tls=none\"\n", host, port), 1))
	waitFor(t, "config applied", func() bool { return strings.Contains(s.logs.String(), "Config applied") })
	subscribe("after@example.org")
	waitFor(t, "confirmation at the relay", func() bool {
		for _, m := range relay.Messages() {
			if slices.Contains(m.To, "after@example.org") {
				return true
			}
		}
		return false
	})
	if files, _ := filepath.Glob(filepath.Join(outbox, "*.eml")); len(files) != 1 {
		t.Errorf("%d files in the outbox, want only the confirmation sent before the reload", len(files))
	}
	if strings.Contains(s.logs.String(), "level=ERROR") {
		t.Errorf("errors logged around the reload:\n%s", s.logs)
	}
}
