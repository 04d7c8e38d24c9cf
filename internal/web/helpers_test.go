package web

import (
	"github.com/heraldhq/herald/internal/clock/clocktest"

	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/subscriber"
	"github.com/heraldhq/herald/templates"
)

// testStart is the fixed time every test clock starts at.
var testStart = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// env is a real Server over httptest with a real SQLite store and outbox.
type env struct {
	srv    *Server
	ts     *httptest.Server
	store  *sqlite.Store
	outbox string
	signer *subscriber.Signer
	clock  *clocktest.Fake
	reg    *prometheus.Registry
	// holdQueue keeps queued emails in the queue after each request; by
	// default do sends them at once, as the daemon's RunMailQueue would.
	holdQueue bool
}

// newEnv starts a Server; edit may change the Options before New.
func newEnv(t testing.TB, edit func(*Options)) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "herald.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{store: st, outbox: filepath.Join(dir, "outbox"), clock: clocktest.New(testStart), reg: prometheus.NewRegistry()}
	ob, err := heraldmail.NewOutbox(e.outbox)
	if err != nil {
		t.Fatalf("new outbox: %v", err)
	}
	if e.signer, err = subscriber.NewSigner([]byte(strings.Repeat("k", 32))); err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewUnstartedServer(nil)
	e.ts.Start()
	t.Cleanup(e.ts.Close)
	opts := Options{
		Site:      Site{Title: "Test Blog", Description: "Notes on testing.", BaseURL: "https://blog.example.com/", Language: "en"},
		PublicURL: e.ts.URL, Store: st, Signer: e.signer, Mailer: ob, Templates: templates.Embedded(),
		From: mail.Address{Name: "Test Blog", Address: "news@blog.example.com"}, Welcome: true,
		Clock: e.clock, Registerer: e.reg,
	}
	if edit != nil {
		edit(&opts)
	}
	if e.srv, err = New(opts); err != nil {
		t.Fatalf("New: %v", err)
	}
	e.ts.Config.Handler = e.srv
	return e
}

// do sends a request and returns the response with its body read.
func (e *env) do(t *testing.T, method, path string, body io.Reader, header http.Header) (*http.Response, string) {
	t.Helper()
	target := path
	if !strings.HasPrefix(path, "http") {
		target = e.ts.URL + path
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	defer e.drainQueue(t)
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body of %s %s: %v", method, path, err)
	}
	return res, string(b)
}

// postForm posts form to path as application/x-www-form-urlencoded.
func (e *env) postForm(t *testing.T, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	return e.do(t, "POST", path, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

// emails returns the outbox's messages in writing order.
func (e *env) emails(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(e.outbox, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	var out []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// subscriberByEmail loads the subscriber of address or fails the test.
func (e *env) subscriberByEmail(t *testing.T, address string) subscriber.Subscriber {
	t.Helper()
	key, err := subscriber.Normalize(address)
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.store.SubscriberByEmail(context.Background(), key)
	if err != nil {
		t.Fatalf("load subscriber %s: %v", address, err)
	}
	return s
}

var linkRE = regexp.MustCompile(`https?://[^\s"<>]+/(confirm|unsubscribe|preferences)/[A-Za-z0-9_=-]+`)

// link returns the first link of kind ("confirm", ...) in a raw email,
// undoing quoted-printable soft breaks first.
func link(t *testing.T, eml, kind string) string {
	t.Helper()
	flat := strings.NewReplacer("=\r\n", "", "=\n", "", "=3D", "=").Replace(eml)
	for _, m := range linkRE.FindAllStringSubmatch(flat, -1) {
		if m[1] == kind {
			return m[0]
		}
	}
	t.Fatalf("no %s link in email:\n%s", kind, eml)
	return ""
}

// pathOf returns the path of an absolute URL.
func pathOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// ioNopCloser hides the length of a reader from net/http, so the request
// is sent chunked.
type ioNopCloser struct{ io.Reader }

func (ioNopCloser) Close() error { return nil }

// metric scrapes /metrics and returns the value of the sample named
// exactly series (name and labels), 0 when absent.
func (e *env) metric(t *testing.T, series string) float64 {
	t.Helper()
	_, body := e.do(t, "GET", "/metrics", nil, nil)
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric %s: %v", series, err)
			}
			return f
		}
	}
	return 0
}

// drainQueue sends every queued email now, as the daemon would, unless
// the test holds the queue.
func (e *env) drainQueue(t *testing.T) {
	t.Helper()
	if e.holdQueue {
		return
	}
	for {
		n, err := e.srv.SendQueued(context.Background())
		if err != nil {
			t.Fatalf("SendQueued: %v", err)
		}
		if n == 0 {
			return
		}
	}
}
