package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/testkit"
)

// heraldBin is the herald binary TestMain built for these tests, or the
// one HERALD_TEST_BIN names.
var heraldBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "herald-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if bin := os.Getenv("HERALD_TEST_BIN"); bin != "" {
		heraldBin = bin // another build, to compare (a test must fail on one without the fix)
		return m.Run()
	}
	statSources("../..")
	heraldBin = filepath.Join(dir, "herald")
	build := exec.Command("go", "build", "-o", heraldBin, "github.com/heraldhq/herald/cmd/herald")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building herald: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// statSources looks at every source file of the module, so that `go test`
// caches this package's results only while none of them changes: the
// binary is built by another process, whose reads it does not see.
func statSources(root string) {
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if err == nil && !d.IsDir() {
			os.Stat(path) // recorded by the test cache
		}
		return nil
	})
}

// need returns the path of program, skipping the test with how to install
// it when it is missing (failing under CI=true).
func need(t *testing.T, program, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI (.ci/run installs the Debian package %s): %v", program, pkg, err)
	}
	t.Skipf("%s is not installed: `apt-get install -y %s` to run this test", program, pkg)
	return ""
}

// site is a blog folder with a herald.toml, and `herald serve` on it once
// serve is called.
type site struct {
	dir, posts string
	url        string // http://127.0.0.1:PORT, set by serve
	log        *syncBuffer
}

// newSite writes a config for a site titled title, with extra appended to
// it, and an empty posts folder.
func newSite(t *testing.T, title, extra string) *site {
	t.Helper()
	dir := t.TempDir()
	s := &site{dir: dir, posts: filepath.Join(dir, "posts"), log: &syncBuffer{}}
	if err := os.MkdirAll(s.posts, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("[site]\ntitle = %q\nbase_url = \"https://blog.example.org\"\n%s", title, extra)
	if err := os.WriteFile(filepath.Join(dir, "herald.toml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}

// writePost writes posts/name with a title, an RFC 3339 date and a body.
func (s *site) writePost(t *testing.T, name, title, date, body string) {
	t.Helper()
	src := fmt.Sprintf("---\ntitle: %q\ndate: %s\n---\n%s\n", title, date, body)
	if err := os.WriteFile(filepath.Join(s.posts, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// serve starts `herald serve` on a free loopback port (the same one again
// after a restart) and waits until it answers /healthz; it returns a
// function that stops it with SIGTERM and waits, which the test's cleanup
// also calls.
func (s *site) serve(t *testing.T) (stop func()) {
	t.Helper()
	addr := strings.TrimPrefix(s.url, "http://")
	if addr == "" {
		addr = testkit.FreeAddr(t)
	}
	s.url = "http://" + addr
	cmd := exec.Command(heraldBin, "serve", "-config", filepath.Join(s.dir, "herald.toml"))
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "HERALD_SERVER_LISTEN="+addr)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		})
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("herald serve's log:\n%s", s.log.String())
		}
	})
	waitHealthy(t, "herald serve", s.url+"/healthz", done, s.log.String)
	return stop
}

// waitFor polls ok until it holds, failing after a minute: herald's
// watcher and rebuild run on their own time, which the test cannot drive.
func (s *site) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	waitUntil(t, what, ok)
}

// waitHealthy waits until url answers below 500, failing with the
// program's log (from logs) if it exits first (done is closed).
func waitHealthy(t *testing.T, program, url string, done <-chan struct{}, logs func() string) {
	t.Helper()
	waitUntil(t, program+" to answer "+url, func() bool {
		select {
		case <-done:
			t.Fatalf("%s exited:\n%s", program, logs())
		default:
		}
		res, err := http.Get(url)
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode < 500
	})
}

// waitUntil polls ok with a growing delay until it holds, failing after a
// minute.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for delay := 10 * time.Millisecond; !ok(); delay = min(2*delay, 500*time.Millisecond) {
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s", what)
		case <-time.After(delay):
		}
	}
}

// get fetches path and returns its body, failing on an error status.
func (s *site) get(t *testing.T, path string) string {
	t.Helper()
	res, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
	}
	return string(body)
}

// waitFeed waits until the feed at path contains every one of want and
// none of gone.
func (s *site) waitFeed(t *testing.T, path string, want, gone []string) {
	t.Helper()
	s.waitFor(t, fmt.Sprintf("%s to list %q and not %q", path, want, gone), func() bool {
		body := s.get(t, path)
		for _, w := range want {
			if !strings.Contains(body, w) {
				return false
			}
		}
		for _, g := range gone {
			if strings.Contains(body, g) {
				return false
			}
		}
		return true
	})
}

// syncBuffer is testkit.Buffer: a log several goroutines write while the test reads it.
type syncBuffer = testkit.Buffer
