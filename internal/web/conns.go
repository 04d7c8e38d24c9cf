package web

import (
	"container/list"
	"net"
	"net/http"
	"sync"
)

// DefaultMaxConnections is the connection cap when none is configured.
const DefaultMaxConnections = 1024

// ConnLimit caps the connections an http.Server holds open, so that idle
// keep-alive connections cannot use up the process's file descriptors.
// When a connection arrives at the cap, the one idle the longest is closed
// to make room; when none is idle, the new connection is closed at once.
// Connections are counted from Accept until the server reports them
// closed or hijacked.
type ConnLimit struct {
	net.Listener
	max int

	mu    sync.Mutex
	conns map[net.Conn]*list.Element // open connections; the element is set while idle
	idle  *list.List                 // of net.Conn, idle the longest first
	shed  int                        // connections closed by the cap
}

// LimitConnections wraps ln so that srv holds at most max connections
// (DefaultMaxConnections when max < 1). It sets srv.ConnState, calling the
// one already there too; serve srv on the returned listener.
func LimitConnections(ln net.Listener, srv *http.Server, max int) *ConnLimit {
	if max < 1 {
		max = DefaultMaxConnections
	}
	l := &ConnLimit{Listener: ln, max: max, conns: map[net.Conn]*list.Element{}, idle: list.New()}
	next := srv.ConnState
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		l.track(c, st)
		if next != nil {
			next(c, st)
		}
	}
	return l
}

// Accept returns the next connection, making room for it first.
func (l *ConnLimit) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.admit(c) {
			return c, nil
		}
		c.Close()
	}
}

// admit counts c when there is room or an idle connection to close.
func (l *ConnLimit) admit(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.conns) >= l.max {
		oldest := l.idle.Front()
		l.shed++
		if oldest == nil {
			return false
		}
		victim := l.idle.Remove(oldest).(net.Conn)
		delete(l.conns, victim)
		victim.Close() // the server sees it closed and reports StateClosed
	}
	l.conns[c] = nil
	return true
}

func (l *ConnLimit) track(c net.Conn, st http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, open := l.conns[c]
	if !open {
		return // closed by the cap already
	}
	if e != nil {
		l.idle.Remove(e)
		l.conns[c] = nil
	}
	switch st {
	case http.StateIdle:
		l.conns[c] = l.idle.PushBack(c)
	case http.StateClosed, http.StateHijacked:
		delete(l.conns, c)
	}
}

// Open returns the number of connections counted now.
func (l *ConnLimit) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

// Shed returns how many connections the cap has closed so far.
func (l *ConnLimit) Shed() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.shed
}
