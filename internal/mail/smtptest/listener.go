package smtptest

import (
	"net"
	"sync"
	"testing"
)

// Listener is a loopback listener that hands each connection to a scripted
// server in its own goroutine and counts the connections; it closes when
// the test ends. Scripted relays (Faulty, and tests' own) are built on it.
type Listener struct {
	ln    net.Listener
	mu    sync.Mutex
	conns int
}

// Listen starts a Listener on 127.0.0.1 that runs serve for every
// connection it accepts.
func Listen(tb testing.TB, serve func(net.Conn)) *Listener {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	l := &Listener{ln: ln}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			l.mu.Lock()
			l.conns++
			l.mu.Unlock()
			go serve(c)
		}
	}()
	return l
}

// Addr returns the listener's host and port.
func (l *Listener) Addr() (host string, port int) {
	a := l.ln.Addr().(*net.TCPAddr)
	return a.IP.String(), a.Port
}

// Connections returns how many connections the listener accepted.
func (l *Listener) Connections() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conns
}
