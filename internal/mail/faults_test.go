package mail

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail/smtptest"
)

// TestSMTPFaultSteps makes a real relay misbehave at each step of a
// delivery and checks what the error says: the step, whether the relay may
// have the message (only after the final dot, without a reply), whether
// the fault is the relay's (then the setting to check) or the recipient's,
// and whether it is worth retrying. Each runs with and without PIPELINING.
func TestSMTPFaultSteps(t *testing.T) {
	const rcpt = "grace@example.org"
	type relay struct {
		host string
		port int
		srv  *smtptest.Server // nil for a scripted or absent relay
	}
	started := func(opts ...smtptest.Option) func(*testing.T) relay {
		return func(t *testing.T) relay {
			srv := smtptest.Start(t, opts...)
			h, p := srv.Addr()
			return relay{h, p, srv}
		}
	}
	faulty := func(step smtptest.Fault, code int) func(*testing.T) relay {
		return func(t *testing.T) relay {
			h, p := smtptest.Faulty(t, step, code).Addr()
			return relay{host: h, port: p}
		}
	}
	tests := []struct {
		name      string
		relay     func(*testing.T) relay
		setup     func(*smtptest.Server)
		edit      func(*SMTPConfig)
		op        string
		code      int
		temporary bool
		relaySide bool
		maybe     bool
		kept      int // messages the relay has afterwards
	}{
		{name: "unreachable", relay: func(t *testing.T) relay { return relay{host: "127.0.0.1", port: closedPort(t)} },
			op: OpConnect, temporary: true, relaySide: true},
		{name: "greeting 554", relay: faulty(smtptest.FaultGreeting, 554), op: OpGreeting, code: 554, relaySide: true},
		{name: "greeting 421", relay: faulty(smtptest.FaultGreeting, 421), op: OpGreeting, code: 421, temporary: true, relaySide: true},
		{name: "EHLO 550", relay: faulty(smtptest.FaultEHLO, 550), op: OpEHLO, code: 550, relaySide: true},
		{name: "wrong password", relay: started(smtptest.WithAuth("ada", "s3cret")),
			edit: func(c *SMTPConfig) { c.Auth, c.Username, c.Password = AuthPlain, "ada", "wrong" },
			op:   OpAuth, code: 535, relaySide: true},
		{name: "STARTTLS required, not offered", relay: started(), edit: func(c *SMTPConfig) { c.TLS = TLSStartTLS },
			op: OpTLS, relaySide: true},
		{name: "untrusted certificate", relay: started(smtptest.WithImplicitTLS()),
			edit: func(c *SMTPConfig) { c.TLS, c.TLSConfig = TLSImplicit, nil }, op: OpTLS, relaySide: true},
		{name: "MAIL FROM 553", relay: started(), setup: func(s *smtptest.Server) { s.RefuseSender(553) },
			op: OpMailFrom, code: 553, relaySide: true},
		{name: "MAIL FROM 451", relay: started(), setup: func(s *smtptest.Server) { s.RefuseSender(451) },
			op: OpMailFrom, code: 451, temporary: true},
		{name: "RCPT TO 550", relay: started(), setup: func(s *smtptest.Server) { s.Reply(rcpt, 550, 1) },
			op: OpRcptTo, code: 550},
		{name: "RCPT TO 450", relay: started(), setup: func(s *smtptest.Server) { s.Reply(rcpt, 450, 1) },
			op: OpRcptTo, code: 450, temporary: true},
		{name: "hang-up after the final dot", relay: started(), setup: func(s *smtptest.Server) { s.HangUpAfterData(rcpt, 1) },
			op: OpDataEnd, temporary: true, maybe: true, kept: 1},
		{name: "no reply to the final dot", relay: started(), setup: func(s *smtptest.Server) { s.Stall(rcpt, 1) },
			edit: func(c *SMTPConfig) { c.Timeout = 300 * time.Millisecond }, op: OpDataEnd, temporary: true, maybe: true},
	}
	for _, pipelining := range []bool{true, false} {
		for _, tt := range tests {
			name := tt.name
			if !pipelining {
				name += " without PIPELINING"
			}
			t.Run(name, func(t *testing.T) {
				r := tt.relay(t)
				if r.srv != nil && tt.setup != nil {
					tt.setup(r.srv)
				}
				cfg := SMTPConfig{Host: r.host, Port: r.port, TLS: TLSNone, HELO: "test.localhost",
					Timeout: 2 * time.Second, NoPipelining: !pipelining}
				if r.srv != nil {
					cfg.TLSConfig = r.srv.ClientTLSConfig()
				}
				if tt.edit != nil {
					tt.edit(&cfg)
				}
				s, err := NewSMTP(cfg, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				err = s.Send(context.Background(), msgTo(1, rcpt))
				var se *SendError
				if !errors.As(err, &se) {
					t.Fatalf("Send = %v, want a *SendError", err)
				}
				if se.Op != tt.op || se.Code != tt.code || se.Temporary != tt.temporary {
					t.Errorf("op %q code %d temporary %v, want %q %d %v (%v)", se.Op, se.Code, se.Temporary, tt.op, tt.code, tt.temporary, err)
				}
				if se.RelayFault() != tt.relaySide || se.MaybeDelivered() != tt.maybe {
					t.Errorf("RelayFault %v MaybeDelivered %v, want %v %v (%v)", se.RelayFault(), se.MaybeDelivered(), tt.relaySide, tt.maybe, err)
				}
				if (se.Setting() != "") != tt.relaySide || strings.Contains(err.Error(), "wrong") && tt.op == OpAuth {
					t.Errorf("Setting %q for %v", se.Setting(), err)
				}
				if r.srv != nil && len(r.srv.Messages()) != tt.kept {
					t.Errorf("relay has %d messages, want %d", len(r.srv.Messages()), tt.kept)
				}
			})
		}
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// TestSMTPStopLetsTransactionEnd cancels the context while the relay holds
// the final dot: the transaction is not cut, its reply is awaited (up to
// Timeout), and the message is delivered, not left in doubt.
func TestSMTPStopLetsTransactionEnd(t *testing.T) {
	for _, pipelining := range []bool{true, false} {
		srv := smtptest.Start(t)
		s := newTestSMTP(t, srv, func(c *SMTPConfig) { c.NoPipelining = !pipelining })
		ctx, cancel := context.WithCancel(context.Background())
		m := msgTo(1, "grace@example.org")
		m.Handoff = func() error { cancel(); return nil } // Ctrl-C mid-transaction
		if err := s.Send(ctx, m); err != nil {
			t.Fatalf("pipelining %v: Send cancelled mid-transaction = %v, want it finished", pipelining, err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("pipelining %v: relay has %d messages, want 1", pipelining, n)
		}
		// A new transaction does not start once stopped.
		err := s.Send(ctx, msgTo(2, "grace@example.org"))
		var se *SendError
		if !errors.As(err, &se) || se.Op != OpWait || se.MaybeDelivered() {
			t.Errorf("pipelining %v: Send after stop = %v, want a wait error", pipelining, err)
		}
	}
}
