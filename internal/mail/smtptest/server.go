// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 for tests of any package that sends mail. It records what it
// receives, counts connections, and can be told at run time to misbehave for
// chosen recipients: answer 421, 450, 451 or 550, drop the connection in the
// middle of DATA, keep a message and hang up before answering its final dot,
// or stall until the test ends; or refuse every sender. Faulty runs a
// scripted relay that refuses the greeting or EHLO, for what go-smtp cannot
// be made to do.
package smtptest

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// Received is one message the server accepted.
type Received struct {
	From string
	To   []string
	Data []byte // nil when the server discards bodies
	TLS  bool   // the message came over TLS (STARTTLS or implicit)
	User string // the authenticated user, empty without AUTH
}

// Option configures a Server at Start.
type Option func(*config)

type config struct {
	startTLS    bool
	implicitTLS bool
	user, pass  string
	discard     bool
}

// WithSTARTTLS offers STARTTLS with a self-signed certificate; clients trust
// it through ClientTLSConfig.
func WithSTARTTLS() Option { return func(c *config) { c.startTLS = true } }

// WithImplicitTLS makes the listener speak TLS from the first byte (smtps).
func WithImplicitTLS() Option { return func(c *config) { c.implicitTLS = true } }

// WithAuth offers AUTH PLAIN, LOGIN and CRAM-MD5 and refuses MAIL FROM until
// the client authenticated as username with password.
func WithAuth(username, password string) Option {
	return func(c *config) { c.user, c.pass = username, password }
}

// WithDiscard makes the server count messages but keep no data (benchmarks).
func WithDiscard() Option { return func(c *config) { c.discard = true } }

// Server is a running test SMTP server. Its methods are safe for concurrent
// use. It stops when the test that started it ends.
type Server struct {
	cfg      config
	srv      *smtp.Server
	ln       net.Listener
	tlsCfg   *tls.Config
	clientTL *tls.Config
	done     chan struct{}

	mu       sync.Mutex
	received []Received
	rules    map[string]*rule
	stats    Stats
	// senderCode, when not 0, answers every MAIL FROM.
	senderCode int
	open       map[*countingConn]bool
}

// Stats are the server's counters.
type Stats struct {
	Connections int // TCP connections accepted
	MaxActive   int // most connections open at the same time
	Delivered   int // messages accepted (also counted when discarding)
	Rejected    int // replies with a 4xx or 5xx code sent by a behaviour
	Dropped     int // connections dropped in DATA by a behaviour
	Stalled     int // transactions stalled by a behaviour
	HungUp      int // messages kept, then the connection closed before the reply
	Resets      int // RSET commands (and transaction ends)
}

// Start starts a server on 127.0.0.1:0 and stops it when t ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{rules: map[string]*rule{}, open: map[*countingConn]bool{}, done: make(chan struct{})}
	for _, opt := range opts {
		opt(&s.cfg)
	}
	if s.cfg.startTLS || s.cfg.implicitTLS {
		s.tlsCfg, s.clientTL = newCert(t)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.ln = &countingListener{Listener: ln, s: s}
	if s.cfg.implicitTLS {
		s.ln = tls.NewListener(s.ln, s.tlsCfg)
	}
	s.srv = s.newSMTPServer()
	go s.srv.Serve(s.ln)
	t.Cleanup(s.close)
	return s
}

func (s *Server) newSMTPServer() *smtp.Server {
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "smtptest.localhost"
	srv.AllowInsecureAuth = true
	srv.MaxRecipients = 100
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if s.cfg.startTLS {
		srv.TLSConfig = s.tlsCfg
	}
	return srv
}

func (s *Server) close() {
	close(s.done)
	s.srv.Close()
}

// Addr returns the host and port the server listens on.
func (s *Server) Addr() (host string, port int) {
	h, p, _ := net.SplitHostPort(s.ln.Addr().String())
	port, _ = strconv.Atoi(p)
	return h, port
}

// ClientTLSConfig returns a TLS config that trusts the server's certificate;
// nil when the server has no TLS.
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.clientTL == nil {
		return nil
	}
	return s.clientTL.Clone()
}

// Messages returns a copy of the messages received so far, in order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// SetDiscard switches discarding bodies on or off at run time.
func (s *Server) SetDiscard(discard bool) {
	s.mu.Lock()
	s.cfg.discard = discard
	s.mu.Unlock()
}

// CloseConnections closes every open connection, as a server does with
// idle clients; the server keeps accepting new ones.
func (s *Server) CloseConnections() {
	s.mu.Lock()
	conns := make([]*countingConn, 0, len(s.open))
	for c := range s.open {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

func (s *Server) connOpened(c *countingConn) {
	s.mu.Lock()
	s.stats.Connections++
	s.open[c] = true
	s.stats.MaxActive = max(s.stats.MaxActive, len(s.open))
	s.mu.Unlock()
}

func (s *Server) connClosed(c *countingConn) {
	s.mu.Lock()
	delete(s.open, c)
	s.mu.Unlock()
}

type countingListener struct {
	net.Listener
	s *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &countingConn{Conn: c, s: l.s}
	l.s.connOpened(cc)
	return cc, nil
}

type countingConn struct {
	net.Conn
	s    *Server
	once sync.Once
}

func (c *countingConn) Close() error {
	c.once.Do(func() { c.s.connClosed(c) })
	return c.Conn.Close()
}
