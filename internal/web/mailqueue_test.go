package web

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/mail/smtptest"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// scriptedRelay is a loopback SMTP relay that greets after greetDelay and
// then accepts every message, or, with refuse, refuses every recipient the
// way Postfix does, quoting the address back.
type scriptedRelay struct {
	*smtptest.Listener
	greetDelay time.Duration
	refuse     bool

	mu    sync.Mutex
	rcpts []string
	data  int
}

func startScriptedRelay(t *testing.T, greetDelay time.Duration, refuse bool) *scriptedRelay {
	t.Helper()
	r := &scriptedRelay{greetDelay: greetDelay, refuse: refuse}
	r.Listener = smtptest.Listen(t, r.serve)
	return r
}

func (r *scriptedRelay) serve(c net.Conn) {
	defer c.Close()
	time.Sleep(r.greetDelay) // the misbehaviour under test: a slow greeting
	rd := bufio.NewReader(c)
	c.Write([]byte("220 relay.test ESMTP\r\n"))
	inData := false
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		if inData {
			if line == ".\r\n" {
				inData = false
				r.mu.Lock()
				r.data++
				r.mu.Unlock()
				c.Write([]byte("250 2.0.0 Ok: queued\r\n"))
			}
			continue
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			c.Write([]byte("250 relay.test\r\n"))
		case strings.HasPrefix(cmd, "RCPT"):
			addr := strings.TrimSpace(line[strings.Index(line, ":")+1:])
			r.mu.Lock()
			r.rcpts = append(r.rcpts, addr)
			r.mu.Unlock()
			if r.refuse {
				c.Write([]byte("550 5.1.1 " + addr + ": Recipient address rejected: User unknown\r\n"))
			} else {
				c.Write([]byte("250 2.1.5 Ok\r\n"))
			}
		case cmd == "DATA":
			inData = true
			c.Write([]byte("354 End data with <CR><LF>.<CR><LF>\r\n"))
		case cmd == "QUIT":
			c.Write([]byte("221 2.0.0 Bye\r\n"))
			return
		default:
			c.Write([]byte("250 2.0.0 Ok\r\n"))
		}
	}
}

func (r *scriptedRelay) stats() (conns, rcpts, data int) {
	conns = r.Connections()
	r.mu.Lock()
	defer r.mu.Unlock()
	return conns, len(r.rcpts), r.data
}

func (r *scriptedRelay) transport(t *testing.T) heraldmail.Transport {
	t.Helper()
	host, port := r.Addr()
	tr, err := heraldmail.NewSMTP(heraldmail.SMTPConfig{Host: host, Port: port, TLS: heraldmail.TLSNone,
		HELO: "test.localhost", Timeout: 5 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

func deadTransport(t *testing.T) heraldmail.Transport {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	tr, err := heraldmail.NewSMTP(heraldmail.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: heraldmail.TLSNone,
		HELO: "test.localhost", Timeout: 2 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

func (e *env) queue(t *testing.T) []store.QueuedMail {
	t.Helper()
	q, err := e.store.QueuedMails(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func (e *env) subscribeForm(t *testing.T, email string) (int, string) {
	t.Helper()
	res, body := e.postForm(t, "/subscribe", url.Values{"email": {email}})
	return res.StatusCode, body
}

// TestSubscribeOnlyRecords posts a new and an already subscribed address
// against a relay that greets after 200 ms: neither request touches SMTP
// (the relay sees no connection), both get the same answer, and the new
// address's confirmation waits in the queue until the sender takes it.
func TestSubscribeOnlyRecords(t *testing.T) {
	relay := startScriptedRelay(t, 200*time.Millisecond, false)
	e := newEnv(t, func(o *Options) { o.Mailer = relay.transport(t) })
	e.holdQueue = true
	ctx := context.Background()
	if _, err := e.store.Import(ctx, []subscriber.Subscriber{{Email: "known@example.org", Status: subscriber.Active}}, testStart); err != nil {
		t.Fatal(err)
	}
	codeNew, bodyNew := e.subscribeForm(t, "new@example.org")
	codeKnown, bodyKnown := e.subscribeForm(t, "known@example.org")
	if codeNew != 200 || codeKnown != 200 || bodyNew != bodyKnown {
		t.Fatalf("answers differ: %d vs %d\n%s\nvs\n%s", codeNew, codeKnown, bodyNew, bodyKnown)
	}
	if conns, _, _ := relay.stats(); conns != 0 {
		t.Fatalf("the requests opened %d connections to the relay; want none", conns)
	}
	q := e.queue(t)
	newSub := e.subscriberByEmail(t, "new@example.org")
	if len(q) != 1 || q[0].SubscriberID != newSub.ID || q[0].Kind != mailConfirm || q[0].Attempts != 0 {
		t.Fatalf("queue = %+v; want one confirmation for the new address, not yet tried", q)
	}
	if n, err := e.srv.SendQueued(ctx); err != nil || n != 1 {
		t.Fatalf("SendQueued = %d, %v", n, err)
	}
	if conns, rcpts, data := relay.stats(); conns != 1 || rcpts != 1 || data != 1 {
		t.Fatalf("relay saw %d connections, %d recipients, %d messages; want the one confirmation", conns, rcpts, data)
	}
	if q := e.queue(t); len(q) != 0 {
		t.Fatalf("queue after sending = %+v; want empty", q)
	}
}

// addressRE finds anything shaped like an email address in log output.
var addressRE = regexp.MustCompile(`[^\s"'<>=(),;:]+@[^\s"'<>(),;:]+`)

// TestDeadRelayQueueWaits takes the relay away: the form still answers at
// once and records, the sender's attempts fail and are retried with
// growing delays, and once a relay answers the confirmation goes out. No
// log line names a subscriber's address.
func TestDeadRelayQueueWaits(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *Options) {
		o.Mailer = deadTransport(t)
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	e.holdQueue = true
	ctx := context.Background()
	e.wantQueueMetrics(t, "an empty queue", 0, 0, 0)
	if code, _ := e.subscribeForm(t, "Waiting.Reader@example.org"); code != 200 {
		t.Fatalf("form with a dead relay: %d", code)
	}
	e.wantQueueMetrics(t, "a confirmation not tried yet", 1, 0, 0)
	for attempt, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		if n, err := e.srv.SendQueued(ctx); err != nil || n != 1 {
			t.Fatalf("attempt %d: SendQueued = %d, %v", attempt+1, n, err)
		}
		q := e.queue(t)
		if len(q) != 1 || q[0].Attempts != attempt+1 || !q[0].NextAttemptAt.Equal(e.clock.Now().Add(wait)) {
			t.Fatalf("after attempt %d: %+v; want it waiting %v", attempt+1, q, wait)
		}
		if strings.Contains(q[0].LastError, "@") || !strings.Contains(q[0].LastError, "connect") {
			t.Errorf("last error %q: want the failing step, no address", q[0].LastError)
		}
		if n, _ := e.srv.SendQueued(ctx); n != 0 {
			t.Fatalf("an email was retried before its time")
		}
		e.clock.Advance(wait)
	}
	e.wantQueueMetrics(t, "a confirmation failing for 7 minutes", 1, 1, 7*60)
	if code, _ := e.subscribeForm(t, "second@example.org"); code != 200 {
		t.Fatalf("second form with a dead relay: %d", code)
	}
	e.wantQueueMetrics(t, "a second confirmation", 2, 1, 7*60)
	relay := startScriptedRelay(t, 0, false)
	opts := e.srv.cfg.Load().Options
	opts.Mailer = relay.transport(t)
	if err := e.srv.SetOptions(opts); err != nil {
		t.Fatal(err)
	}
	e.drainQueueNow(t)
	if _, _, data := relay.stats(); data != 2 {
		t.Fatalf("the relay got %d messages once it answered; want both confirmations", data)
	}
	e.wantQueueMetrics(t, "the queue sent", 0, 0, 0)
	refusing := startScriptedRelay(t, 0, true)
	opts.Mailer = refusing.transport(t)
	e.srv.SetOptions(opts)
	e.subscribeForm(t, "refused.person@example.org")
	e.drainQueueNow(t)
	if q := e.queue(t); len(q) != 0 {
		t.Errorf("a recipient refused for good is still queued: %+v", q)
	}
	if found := addressRE.FindAllString(logs.String(), -1); len(found) != 0 || !strings.Contains(logs.String(), "subscriber_id=") {
		t.Errorf("the log names addresses %q (or no subscriber ids):\n%s", found, logs.String())
	}
}

// drainQueueNow sends what is due, however the test holds the queue.
func (e *env) drainQueueNow(t *testing.T) {
	t.Helper()
	hold := e.holdQueue
	e.holdQueue = false
	e.drainQueue(t)
	e.holdQueue = hold
}

// wantQueueMetrics checks the queue's gauges on /metrics.
func (e *env) wantQueueMetrics(t *testing.T, what string, queued, failing, oldestSeconds float64) {
	t.Helper()
	_, body := e.do(t, "GET", "/metrics", nil, nil)
	for name, want := range map[string]float64{"herald_web_emails_queued": queued,
		"herald_web_emails_queued_failing": failing, "herald_web_emails_queued_oldest_seconds": oldestSeconds} {
		got, ok := metricValue(body, name)
		if !ok || got != want {
			t.Errorf("%s: %s = %v (found %v); want %v", what, name, got, ok, want)
		}
	}
}

// metricValue finds the sample of an unlabelled series in a scrape.
func metricValue(scrape, name string) (float64, bool) {
	for _, line := range strings.Split(scrape, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// TestQueueMetricsStoreDown closes the store: the queue's gauges are left
// out of the scrape, the rest of /metrics is still served, and the log
// says why.
func TestQueueMetricsStoreDown(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	e.holdQueue = true
	e.do(t, "GET", "/healthz", nil, nil)
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	res, body := e.do(t, "GET", "/metrics", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(body, "herald_http_requests_total") {
		t.Fatalf("/metrics with the store closed: %d\n%s", res.StatusCode, body)
	}
	if strings.Contains(body, "herald_web_emails_queued") {
		t.Errorf("/metrics has queue gauges the store could not count:\n%s", body)
	}
	if !strings.Contains(logs.String(), "Could not count the queued emails") {
		t.Errorf("the log does not say why the gauges are missing:\n%s", logs.String())
	}
}
