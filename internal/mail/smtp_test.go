package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail/smtptest"
)

func newTestSMTP(t testing.TB, srv *smtptest.Server, edit func(*SMTPConfig)) *SMTP {
	t.Helper()
	host, port := srv.Addr()
	cfg := SMTPConfig{
		Host: host, Port: port, TLS: TLSNone, HELO: "test.localhost",
		Timeout: 2 * time.Second, TLSConfig: srv.ClientTLSConfig(), NoPipelining: noPipelining,
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := NewSMTP(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// noPipelining is set by TestSMTPWithoutPipelining while it runs the
// transport tests again without PIPELINING.
var noPipelining bool

func msgTo(i int, rcpt string) *Message {
	m := sampleMessage()
	m.To = netmail.Address{Name: "Reader", Address: rcpt}
	m.MessageID = fmt.Sprintf("i1.s%d@example.com", i)
	return m
}

func TestSMTPSendModes(t *testing.T) {
	tests := []struct {
		name     string
		opts     []smtptest.Option
		tls      string
		auth     string
		wantTLS  bool
		wantUser string
	}{
		{"plain text", nil, TLSNone, AuthNone, false, ""},
		{"opportunistic without server TLS", nil, TLSOpportunistic, AuthNone, false, ""},
		{"opportunistic with STARTTLS", []smtptest.Option{smtptest.WithSTARTTLS()}, TLSOpportunistic, AuthNone, true, ""},
		{"STARTTLS required", []smtptest.Option{smtptest.WithSTARTTLS()}, TLSStartTLS, AuthNone, true, ""},
		{"implicit TLS", []smtptest.Option{smtptest.WithImplicitTLS()}, TLSImplicit, AuthNone, true, ""},
		{"AUTH PLAIN over STARTTLS", []smtptest.Option{smtptest.WithSTARTTLS(), smtptest.WithAuth("ada", "s3cret")}, TLSStartTLS, AuthPlain, true, "ada"},
		{"AUTH LOGIN over STARTTLS", []smtptest.Option{smtptest.WithSTARTTLS(), smtptest.WithAuth("ada", "s3cret")}, TLSStartTLS, AuthLogin, true, "ada"},
		{"AUTH CRAM-MD5 over implicit TLS", []smtptest.Option{smtptest.WithImplicitTLS(), smtptest.WithAuth("ada", "s3cret")}, TLSImplicit, AuthCRAMMD5, true, "ada"},
		{"AUTH PLAIN in plain text", []smtptest.Option{smtptest.WithAuth("ada", "s3cret")}, TLSNone, AuthPlain, false, "ada"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.opts...)
			s := newTestSMTP(t, srv, func(c *SMTPConfig) {
				c.TLS, c.Auth = tt.tls, tt.auth
				if tt.auth != AuthNone {
					c.Username, c.Password = "ada", "s3cret"
				}
			})
			m := msgTo(1, "grace@example.org")
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("server received %d messages, want 1", len(got))
			}
			want, _ := Build(m, nil)
			r := got[0]
			if r.From != "news@example.com" || len(r.To) != 1 || r.To[0] != "grace@example.org" {
				t.Errorf("envelope from %q to %v", r.From, r.To)
			}
			if !bytes.Equal(bytes.TrimSuffix(r.Data, []byte("\r\n")), bytes.TrimSuffix(want, []byte("\r\n"))) {
				t.Errorf("received data differs from the built message:\n%s", r.Data)
			}
			if r.TLS != tt.wantTLS || r.User != tt.wantUser {
				t.Errorf("TLS %v user %q, want TLS %v user %q", r.TLS, r.User, tt.wantTLS, tt.wantUser)
			}
		})
	}
}

func TestSMTPSetupFailures(t *testing.T) {
	tests := []struct {
		name     string
		opts     []smtptest.Option
		edit     func(*SMTPConfig)
		wantCode int
	}{
		{"wrong password", []smtptest.Option{smtptest.WithAuth("ada", "s3cret")}, func(c *SMTPConfig) {
			c.Auth, c.Username, c.Password = AuthPlain, "ada", "wrong-password"
		}, 535},
		{"STARTTLS required but not offered", nil, func(c *SMTPConfig) { c.TLS = TLSStartTLS }, 0},
		{"untrusted certificate", []smtptest.Option{smtptest.WithSTARTTLS()}, func(c *SMTPConfig) {
			c.TLS, c.TLSConfig = TLSStartTLS, nil
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.opts...)
			s := newTestSMTP(t, srv, tt.edit)
			err := s.Send(context.Background(), msgTo(1, "grace@example.org"))
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if Temporary(err) || Code(err) != tt.wantCode {
				t.Errorf("error %v: Temporary %v, Code %d; want permanent, code %d", err, Temporary(err), Code(err), tt.wantCode)
			}
			if bytes.Contains([]byte(err.Error()), []byte("wrong-password")) {
				t.Errorf("error reveals the password: %v", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server received %d messages", n)
			}
		})
	}
}

func TestSMTPReusesOneConnection(t *testing.T) {
	srv := smtptest.Start(t)
	s := newTestSMTP(t, srv, nil)
	const n = 25
	for i := range n {
		if err := s.Send(context.Background(), msgTo(i, fmt.Sprintf("r%d@example.org", i))); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
	}
	st := srv.Stats()
	if st.Connections != 1 || st.Delivered != n {
		t.Errorf("%d connections and %d messages, want 1 connection and %d messages", st.Connections, st.Delivered, n)
	}
}

func TestSMTPCapsParallelConnections(t *testing.T) {
	srv := smtptest.Start(t)
	s := newTestSMTP(t, srv, func(c *SMTPConfig) { c.Connections = 3 })
	const n = 60
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Send(context.Background(), msgTo(i, fmt.Sprintf("r%d@example.org", i)))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	st := srv.Stats()
	if st.MaxActive > 3 || st.Connections > 3 || st.Delivered != n {
		t.Errorf("stats %+v: want at most 3 connections ever and %d messages", st, n)
	}
}

func TestSMTPTemporaryRepliesSlowDown(t *testing.T) {
	for _, code := range []int{421, 450, 451, 452, 454} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			srv := smtptest.Start(t)
			s := newTestSMTP(t, srv, func(c *SMTPConfig) { c.Rate = 100 })
			srv.Reply("grace@example.org", code, 1)
			err := s.Send(context.Background(), msgTo(1, "grace@example.org"))
			if err == nil || !Temporary(err) || Code(err) != code {
				t.Fatalf("error %v: Temporary %v, Code %d; want temporary %d", err, Temporary(err), Code(err), code)
			}
			if got := s.Rate(); got != 50 {
				t.Errorf("rate after %d is %g, want 50 (halved)", code, got)
			}
			if err := s.Send(context.Background(), msgTo(2, "grace@example.org")); err != nil {
				t.Fatalf("second Send: %v", err)
			}
			wantConns := 1
			if code == 421 {
				wantConns = 2 // 421 means the server closes: dial again
			}
			if st := srv.Stats(); st.Connections != wantConns || st.Delivered != 1 {
				t.Errorf("stats %+v, want %d connections and 1 message", st, wantConns)
			}
		})
	}
}

func TestSMTPPermanentReply(t *testing.T) {
	srv := smtptest.Start(t)
	s := newTestSMTP(t, srv, func(c *SMTPConfig) { c.Rate = 100 })
	srv.Reply("gone@example.org", 550, 0)
	err := s.Send(context.Background(), msgTo(1, "gone@example.org"))
	var se *SendError
	if !errors.As(err, &se) || Temporary(err) || Code(err) != 550 || se.Op != "rcpt to" {
		t.Fatalf("error %v, want a permanent 550 at rcpt to", err)
	}
	if got := s.Rate(); got != 100 {
		t.Errorf("rate after 550 is %g, want 100 (unchanged)", got)
	}
	if se.MaybeDelivered() {
		t.Error("a refused recipient is reported as maybe delivered")
	}
	if err := s.Send(context.Background(), msgTo(2, "grace@example.org")); err != nil {
		t.Fatalf("Send after 550: %v", err)
	}
	if st := srv.Stats(); st.Connections != 1 || st.Delivered != 1 {
		t.Errorf("stats %+v, want the connection reused after RSET and 1 message", st)
	}
}

func TestSMTPDroppedInData(t *testing.T) {
	srv := smtptest.Start(t)
	s := newTestSMTP(t, srv, nil)
	srv.DropInData("grace@example.org", 1)
	err := s.Send(context.Background(), msgTo(1, "grace@example.org"))
	if err == nil || !Temporary(err) || Code(err) != 0 {
		t.Fatalf("error %v: Temporary %v Code %d, want temporary without code", err, Temporary(err), Code(err))
	}
	if se := (*SendError)(nil); !errors.As(err, &se) || !se.MaybeDelivered() {
		t.Errorf("a drop in DATA is not reported as maybe delivered: %#v", err)
	}
	if s.Rate() == 0 {
		t.Error("rate still unlimited after a dropped connection, want a slow-down")
	}
	if err := s.Send(context.Background(), msgTo(2, "grace@example.org")); err != nil {
		t.Fatalf("Send after drop: %v", err)
	}
	if st := srv.Stats(); st.Connections != 2 || st.Delivered != 1 || st.Dropped != 1 {
		t.Errorf("stats %+v, want 2 connections, 1 drop, 1 message", st)
	}
}

func TestSMTPStalledServer(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		ctx     time.Duration // 0: no deadline on the context
	}{
		{"config timeout", 200 * time.Millisecond, 0},
		{"context deadline", 30 * time.Second, 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			s := newTestSMTP(t, srv, func(c *SMTPConfig) { c.Timeout = tt.timeout })
			// Warm the connection first, so the stall hits a reused one.
			if err := s.Send(context.Background(), msgTo(0, "grace@example.org")); err != nil {
				t.Fatal(err)
			}
			srv.Stall("stuck@example.org", 1)
			ctx := context.Background()
			if tt.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctx)
				defer cancel()
			}
			err := s.Send(ctx, msgTo(1, "stuck@example.org"))
			if !Temporary(err) || !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("error %v, want a temporary i/o timeout", err)
			}
			if err := s.Send(context.Background(), msgTo(2, "grace@example.org")); err != nil {
				t.Fatalf("Send after stall: %v", err)
			}
		})
	}
}

func TestSMTPRefusesBadMessageWithoutConnecting(t *testing.T) {
	srv := smtptest.Start(t)
	s := newTestSMTP(t, srv, nil)
	m := msgTo(1, "grace@example.org")
	m.Subject = "hi\r\nBcc: everyone@example.net"
	if err := s.Send(context.Background(), m); !errors.Is(err, ErrInvalidMessage) || Temporary(err) {
		t.Fatalf("error %v, want permanent ErrInvalidMessage", err)
	}
	if st := srv.Stats(); st.Connections != 0 {
		t.Errorf("%d connections opened for a refused message", st.Connections)
	}
}

func TestSMTPClose(t *testing.T) {
	srv := smtptest.Start(t)
	s := newTestSMTP(t, srv, nil)
	if err := s.Send(context.Background(), msgTo(1, "grace@example.org")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Send(context.Background(), msgTo(2, "grace@example.org")); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close = %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestSMTPRedialsAfterServerClosedIdleConnection(t *testing.T) {
	srv := smtptest.Start(t)
	s := newTestSMTP(t, srv, nil)
	if err := s.Send(context.Background(), msgTo(1, "grace@example.org")); err != nil {
		t.Fatal(err)
	}
	srv.CloseConnections()
	m := msgTo(2, "grace@example.org")
	handoffs := 0
	m.Handoff = func() error { handoffs++; return nil }
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send after the server closed the idle connection: %v", err)
	}
	if handoffs != 1 {
		t.Errorf("Handoff called %d times for one message sent on a second try, want once", handoffs)
	}
	if st := srv.Stats(); st.Connections != 2 || st.Delivered != 2 {
		t.Errorf("stats %+v, want 2 connections and 2 messages", st)
	}
}
