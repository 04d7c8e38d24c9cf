package web

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// capped serves h on loopback under a ConnLimit of max; states receives
// every state change the server reports, after the limit has seen it.
func capped(t *testing.T, max int) (addr string, l *ConnLimit, states chan http.ConnState) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	states = make(chan http.ConnState, 1000)
	srv := &http.Server{
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		ConnState: func(_ net.Conn, st http.ConnState) { states <- st },
	}
	l = LimitConnections(ln, srv, max)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), l, states
}

// waitState waits for n reports of st.
func waitState(t *testing.T, states chan http.ConnState, st http.ConnState, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second) // a hang guard, not a measurement
	for n > 0 {
		select {
		case got := <-states:
			if got == st {
				n--
			}
		case <-timeout:
			t.Fatalf("still waiting for %d connections to become %v", n, st)
		}
	}
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// get sends one keep-alive GET on c and returns the status, or the error
// reading the answer (the connection was closed).
func get(c net.Conn) (int, error) {
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return 0, err
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// TestConnLimitClosesIdle fills the cap with idle keep-alive connections,
// as an attacker would by the thousand: a new client is still answered,
// the connection idle the longest is closed, and the count stays at the cap.
func TestConnLimitClosesIdle(t *testing.T) {
	const max = 5
	addr, l, states := capped(t, max)
	var idle []net.Conn
	for range max {
		c := dial(t, addr)
		if code, err := get(c); err != nil || code != 200 {
			t.Fatalf("idle client: %d, %v", code, err)
		}
		idle = append(idle, c)
	}
	waitState(t, states, http.StateIdle, max)
	for i := range 3 * max {
		c := dial(t, addr)
		if code, err := get(c); err != nil || code != 200 {
			t.Fatalf("client %d past the cap: %d, %v; want 200", i, code, err)
		}
		waitState(t, states, http.StateIdle, 1)
		if n := l.Open(); n > max {
			t.Fatalf("%d connections open, cap %d", n, max)
		}
	}
	if _, err := get(idle[0]); err == nil {
		t.Error("the connection idle the longest still answers; want it closed by the cap")
	}
	if l.Shed() != 3*max {
		t.Errorf("Shed = %d, want %d", l.Shed(), 3*max)
	}
}

// TestConnLimitRefusesWhenBusy holds the cap with connections in the
// middle of a request: a new connection is closed at once, and the busy
// ones are answered.
func TestConnLimitRefusesWhenBusy(t *testing.T) {
	const max = 3
	addr, l, states := capped(t, max)
	var busy []net.Conn
	for range max {
		c := dial(t, addr)
		io.WriteString(c, "GET /healthz HTTP/1.1\r\n") // headers not finished
		busy = append(busy, c)
	}
	waitState(t, states, http.StateNew, max)
	extra := dial(t, addr)
	if _, err := get(extra); err == nil {
		t.Fatalf("a connection past the cap was answered (err %v)", err)
	}
	for i, c := range busy {
		io.WriteString(c, "Host: x\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("busy connection %d: %v", i, err)
		}
		res.Body.Close()
	}
	if n := l.Open(); n > max {
		t.Fatalf("%d connections open, cap %d", n, max)
	}
}
