package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/heraldhq/herald/internal/store/postgres"
	"github.com/heraldhq/herald/internal/testkit"
)

// syncBuffer is testkit.Buffer: a log several goroutines write while the test reads it.
type syncBuffer = testkit.Buffer

// relay forwards loopback connections to target until cut.
type relay struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startRelay(t *testing.T, target string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			r.mu.Lock()
			r.conns = append(r.conns, c, up)
			r.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(r.cut)
	return r
}

// cut stops accepting and closes every relayed connection: the database
// is down as far as the client can tell.
func (r *relay) cut() {
	r.ln.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		c.Close()
	}
}

// TestHealthDatabaseDown opens a PostgreSQL store through a relay, cuts
// it, and checks that /healthz says "store unavailable" and nothing of the
// connection (host, port, user, database), which goes to the log instead.
func TestHealthDatabaseDown(t *testing.T) {
	dsn := testkit.PostgresDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	rl := startRelay(t, u.Host)
	u.Host = rl.ln.Addr().String()
	pg, err := postgres.Open(context.Background(), u.String())
	if err != nil {
		t.Fatalf("open postgres through the relay: %v", err)
	}
	t.Cleanup(func() { pg.Close() })
	var logs syncBuffer
	e := newEnv(t, func(o *Options) { o.Store = pg; o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	e.holdQueue = true // the store goes down: nothing to send
	if res, body := e.do(t, "GET", "/healthz", nil, nil); res.StatusCode != 200 {
		t.Fatalf("database up: %d %q", res.StatusCode, body)
	}
	rl.cut()
	for i := range 2 { // the pooled connection fails first, then the dial
		res, body := e.do(t, "GET", "/healthz", nil, nil)
		if res.StatusCode != 503 || body != "store unavailable\n" {
			t.Fatalf("database down, request %d: %d %q, want 503 \"store unavailable\"", i+1, res.StatusCode, body)
		}
	}
	_, port, _ := net.SplitHostPort(u.Host)
	secrets := []string{u.User.Username(), strings.TrimPrefix(u.Path, "/"), port}
	for _, s := range secrets {
		if !strings.Contains(logs.String(), s) {
			t.Errorf("the log lacks %q, which an operator needs:\n%s", s, logs.String())
		}
	}
}
