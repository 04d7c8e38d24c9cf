package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail/smtptest"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// faultRecipients is the list size of the fault tests.
const faultRecipients = 12

func faultRcpt(i int) string { return fmt.Sprintf("r%02d@example.org", i) }

// faultSite is a site with a baseline, one new post and faultRecipients
// active subscribers, whose relay settings each run rewrites. Its store is
// the SQLite file db, or the PostgreSQL database pg when that is set.
type faultSite struct {
	*testSite
	db string
	pg string
}

func newFaultSite(t *testing.T) *faultSite { return newFaultSiteOn(t, "") }

// newFaultSiteOn is newFaultSite on the PostgreSQL database pgDSN, or on
// SQLite when pgDSN is empty.
func newFaultSiteOn(t *testing.T, pgDSN string) *faultSite {
	t.Helper()
	site := &faultSite{testSite: newTestSite(t, "Fault blog"), pg: pgDSN}
	site.db = filepath.Join(site.dir, "data", "herald.db")
	now := time.Now().UTC()
	site.writePost(t, "new.md", "A post for the relay", now.Add(-time.Hour).Format(time.RFC3339))
	st := site.open(t)
	defer st.Close()
	if _, err := st.SetSettingIfAbsent(context.Background(), "newsletter.baseline", now.Add(-2*time.Hour).Format(time.RFC3339Nano)); err != nil {
		t.Fatal(err)
	}
	subs := make([]subscriber.Subscriber, faultRecipients)
	for i := range subs {
		subs[i] = subscriber.Subscriber{Email: faultRcpt(i), EmailKey: faultRcpt(i), Status: subscriber.Active}
	}
	if _, err := st.Import(context.Background(), subs, now.Add(-3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return site
}

func (s *faultSite) open(t *testing.T) store.Store {
	t.Helper()
	if s.pg != "" {
		return pgStore(t, s.pg)
	}
	if err := os.MkdirAll(filepath.Dir(s.db), 0o755); err != nil {
		t.Fatal(err)
	}
	return sqliteAt(t, s.db)
}

// storeConfig is the [store] table of the site's config.
func (s *faultSite) storeConfig() string {
	if s.pg == "" {
		return ""
	}
	return fmt.Sprintf("[store]\ndriver = \"postgres\"\ndsn = %q\n", s.pg)
}

// relay points the config at host:port with extra [smtp] lines.
func (s *faultSite) relay(t *testing.T, host string, port int, extra string) {
	t.Helper()
	timeout := `timeout = "2s"`
	if strings.Contains(extra, "timeout =") {
		timeout = ""
	}
	s.writeConfig(t, fmt.Sprintf(testConfig, "Fault blog")+fmt.Sprintf(`
[smtp]
host = %q
port = %d
tls = "none"
from = "news@blog.example.com"
connections = 2
%s
%s
[newsletter]
enabled = true
schedule = "0 9 * * 1"
time_zone = "UTC"
retry_base = "50ms"
%s`, host, port, timeout, extra, s.storeConfig()))
}

// send runs `herald send` in process and returns its output, exit status
// and how long it would have taken. Its clock skips herald's long waits
// (the pacer's slow-down after a hang-up, retry backoff, give_up_after) so
// the test does not sleep through them; the time returned is the real time
// (network timeouts stay real) plus every wait skipped.
func (s *faultSite) send(t *testing.T, ctx context.Context) (string, int, time.Duration) {
	t.Helper()
	var out bytes.Buffer
	start := time.Now()
	clk := &skipClock{}
	err := run(ctx, []string{"send", "-config", s.config}, env{stdout: &out, stderr: &out, clock: clk})
	took := time.Since(start) + clk.skipped()
	code := exitCode(err, &out)
	return out.String(), code, took
}

// skipClock is the system clock, except that a wait of skipLong or more
// returns at once and moves the clock's time forward by the wait. Short
// waits (polls while a connection is busy) are real: skipping them would
// spin and move the time past leases and give_up_after while a real network
// timeout runs.
type skipClock struct {
	mu   sync.Mutex
	skip time.Duration
}

const skipLong = 200 * time.Millisecond

func (c *skipClock) skipped() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.skip
}

func (c *skipClock) Now() time.Time { return time.Now().Add(c.skipped()) }

func (c *skipClock) After(d time.Duration) <-chan time.Time {
	if d < skipLong {
		return time.After(d)
	}
	c.mu.Lock()
	c.skip += d
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- c.Now()
	return ch
}

// ledger returns the one issue's deliveries by address, and the
// subscribers by address.
func (s *faultSite) ledger(t *testing.T) (map[string]store.Delivery, map[string]subscriber.Subscriber) {
	t.Helper()
	st := s.open(t)
	defer st.Close()
	ctx := context.Background()
	issues, err := st.ListIssues(ctx, 10)
	if err != nil || len(issues) != 1 {
		t.Fatalf("issues %v, %v; want exactly one", issues, err)
	}
	ds, err := st.ListDeliveries(ctx, issues[0].ID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]store.Delivery{}
	for _, d := range ds {
		byAddr[d.Email] = d
	}
	subs, err := st.ListSubscribers(ctx, store.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]subscriber.Subscriber{}
	for _, sub := range subs {
		people[sub.Email] = sub
	}
	return byAddr, people
}

// received counts the messages per recipient over the servers.
func received(servers ...*smtptest.Server) map[string]int {
	got := map[string]int{}
	for _, srv := range servers {
		if srv == nil {
			continue
		}
		for _, m := range srv.Messages() {
			for _, to := range m.To {
				got[to]++
			}
		}
	}
	return got
}

// TestSendThroughFaultyRelays runs `herald send` against a relay that
// misbehaves at one step, then again against a good relay, and checks
// each recipient: nobody twice, nobody missing except those listed
// uncertain, nobody bounced for the relay's fault; the first run's exit
// status and message, and that it took about what its settings allow
// (a fault for good stops at once; an unreachable relay after
// smtp.give_up_after), not the backoff of a daemon.
func TestSendThroughFaultyRelays(t *testing.T) {
	type bad struct {
		host  string
		port  int
		srv   *smtptest.Server // for the messages it kept; nil when scripted
		extra string
	}
	started := func(t *testing.T, opts ...smtptest.Option) bad {
		srv := smtptest.Start(t, opts...)
		h, p := srv.Addr()
		return bad{host: h, port: p, srv: srv}
	}
	tests := []struct {
		name      string
		relay     func(t *testing.T) bad
		firstExit int
		says      string        // in the first run's output
		within    time.Duration // bound on the first run
		uncertain []string      // listed uncertain after the first run
		bounced   []string      // refused by the relay for themselves
	}{
		{name: "hang-up after the final dot", relay: func(t *testing.T) bad {
			b := started(t)
			b.srv.HangUpAfterData(faultRcpt(3), 1)
			return b
		}, firstExit: 1, says: "1 uncertain", within: 20 * time.Second, uncertain: []string{faultRcpt(3)}},
		{name: "hang-up after the final dot without PIPELINING", relay: func(t *testing.T) bad {
			b := started(t)
			b.srv.HangUpAfterData(faultRcpt(5), 1)
			b.extra = "pipelining = false"
			return b
		}, firstExit: 1, says: "1 uncertain", within: 20 * time.Second, uncertain: []string{faultRcpt(5)}},
		{name: "no reply to the final dot", relay: func(t *testing.T) bad {
			b := started(t)
			b.srv.Stall(faultRcpt(7), 1)
			b.extra = `timeout = "1s"` // what the run waits out
			return b
		}, firstExit: 1, says: "1 uncertain", within: 20 * time.Second, uncertain: []string{faultRcpt(7)}},
		{name: "wrong password", relay: func(t *testing.T) bad {
			b := started(t, smtptest.WithAuth("news", "right"))
			b.extra = "username = \"news\"\npassword = \"wrong\"\nauth = \"plain\""
			return b
		}, firstExit: 1, says: "check smtp.username and the password", within: 10 * time.Second},
		{name: "STARTTLS required but not offered", relay: func(t *testing.T) bad {
			b := started(t)
			b.extra = "#starttls" // see below: tls is replaced
			return b
		}, firstExit: 1, says: "check smtp.tls", within: 10 * time.Second},
		{name: "greeting refused", relay: func(t *testing.T) bad {
			h, p := smtptest.Faulty(t, smtptest.FaultGreeting, 554).Addr()
			return bad{host: h, port: p}
		}, firstExit: 1, says: "554", within: 10 * time.Second},
		{name: "EHLO refused", relay: func(t *testing.T) bad {
			h, p := smtptest.Faulty(t, smtptest.FaultEHLO, 550).Addr()
			return bad{host: h, port: p}
		}, firstExit: 1, says: "check smtp.helo", within: 10 * time.Second},
		{name: "sender refused", relay: func(t *testing.T) bad {
			b := started(t)
			b.srv.RefuseSender(553)
			return b
		}, firstExit: 1, says: "check smtp.from", within: 10 * time.Second},
		{name: "unreachable", relay: func(t *testing.T) bad {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			port := ln.Addr().(*net.TCPAddr).Port
			ln.Close()
			return bad{host: "127.0.0.1", port: port, extra: `give_up_after = "1s"`}
		}, firstExit: 1, says: "gave up after 1s", within: 8 * time.Second},
		{name: "one recipient refused", relay: func(t *testing.T) bad {
			b := started(t)
			b.srv.Reply(faultRcpt(9), 550, 0)
			return b
		}, firstExit: 1, says: "1 failed", within: 10 * time.Second, bounced: []string{faultRcpt(9)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newFaultSite(t)
			b := tt.relay(t)
			site.relay(t, b.host, b.port, b.extra)
			if b.extra == "#starttls" {
				site.writeConfig(t, strings.Replace(readFile(t, site.config), `tls = "none"`, `tls = "starttls"`, 1))
			}
			out, code, took := site.send(t, context.Background())
			t.Logf("first run: exit %d in %s\n%s", code, took.Round(time.Millisecond), out)
			if code != tt.firstExit || !strings.Contains(out, tt.says) {
				t.Errorf("first run: exit %d, output lacks %q", code, tt.says)
			}
			if took > tt.within {
				t.Errorf("first run took %s, want within %s", took, tt.within)
			}
			ds, people := site.ledger(t)
			for _, addr := range tt.uncertain {
				if ds[addr].Status != store.DeliveryUncertain {
					t.Errorf("%s is %s after the first run, want uncertain", addr, ds[addr].Status)
				}
			}

			good := smtptest.Start(t)
			h, p := good.Addr()
			site.relay(t, h, p, "")
			out2, code2, _ := site.send(t, context.Background())
			t.Logf("second run: exit %d\n%s", code2, out2)
			wantCode2 := 0
			if len(tt.uncertain)+len(tt.bounced) > 0 {
				wantCode2 = 1 // the issue still holds its failed or uncertain deliveries
			}
			if code2 != wantCode2 && !strings.Contains(out2, "Nothing new") {
				t.Errorf("second run: exit %d, want %d", code2, wantCode2)
			}

			got := received(b.srv, good)
			ds, people = site.ledger(t)
			for i := range faultRecipients {
				addr := faultRcpt(i)
				listed := ds[addr].Status == store.DeliveryUncertain
				refused := slices.Contains(tt.bounced, addr)
				switch {
				case got[addr] > 1:
					t.Errorf("%s received the issue %d times", addr, got[addr])
				case got[addr] == 0 && !listed && !refused:
					t.Errorf("%s received nothing and is %s, not listed uncertain", addr, ds[addr].Status)
				case listed && !slices.Contains(tt.uncertain, addr):
					t.Errorf("%s is uncertain, want only %v", addr, tt.uncertain)
				}
				if bounces := people[addr].Bounces; bounces != 0 && !refused {
					t.Errorf("%s has %d bounces for the relay's fault", addr, bounces)
				}
				if refused && (people[addr].Bounces != 1 || ds[addr].Status != store.DeliveryFailed) {
					t.Errorf("%s refused by the relay: %d bounces, %s; want 1 and failed", addr, people[addr].Bounces, ds[addr].Status)
				}
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
