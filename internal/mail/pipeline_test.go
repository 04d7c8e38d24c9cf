package mail

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail/smtptest"
)

// TestSMTPWithoutPipelining runs the transport's behaviour tests again
// with NoPipelining, through the one-command-at-a-time exchange.
func TestSMTPWithoutPipelining(t *testing.T) {
	noPipelining = true
	defer func() { noPipelining = false }()
	for _, tc := range []struct {
		name string
		test func(*testing.T)
	}{
		{"SendModes", TestSMTPSendModes},
		{"ReusesOneConnection", TestSMTPReusesOneConnection},
		{"TemporaryRepliesSlowDown", TestSMTPTemporaryRepliesSlowDown},
		{"PermanentReply", TestSMTPPermanentReply},
		{"DroppedInData", TestSMTPDroppedInData},
		{"StalledServer", TestSMTPStalledServer},
		{"RedialsAfterServerClosedIdleConnection", TestSMTPRedialsAfterServerClosedIdleConnection},
		{"Handoff", TestSMTPHandoff},
		{"HandoffRefused", TestSMTPHandoffRefused},
	} {
		t.Run(tc.name, tc.test)
	}
}

// TestSMTPPipelinesCommands talks to a scripted server that answers MAIL,
// RCPT and DATA only once it has all three: a client that waits for each
// reply before the next command would time out.
func TestSMTPPipelinesCommands(t *testing.T) {
	got := make(chan []string, 1)
	port := scriptedServer(t, func(tc *textproto.Conn) {
		got <- pipelineServer(tc, "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead", true)
	})
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, TLS: TLSNone, Timeout: 2 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), msgTo(1, "grace@example.org")); err != nil {
		t.Fatalf("Send to a server that needs pipelining: %v", err)
	}
	s.Close()
	lines := <-got
	want := []string{"MAIL FROM:<news@example.com> BODY=8BITMIME", "RCPT TO:<grace@example.org>", "DATA"}
	if len(lines) < 3 || strings.Join(lines[:3], "|") != strings.Join(want, "|") {
		t.Errorf("commands %q, want %q first", lines, want)
	}
}

// TestSMTPPipelinedRefusalWithDataAccepted talks to a server that refuses
// the recipient and still answers DATA with 354, against RFC 2920: the
// refusal is reported at RCPT and the connection is dropped rather than
// sending a body (or a bare dot) for a refused transaction.
func TestSMTPPipelinedRefusalWithDataAccepted(t *testing.T) {
	closed := make(chan bool, 1)
	port := scriptedServer(t, func(tc *textproto.Conn) {
		pipelineServer(tc, "250 2.1.0 ok\r\n550 5.1.1 no such user\r\n354 go ahead", false)
		line, err := tc.ReadLine() // the client must hang up: any line here would be taken as the body
		closed <- err != nil && line == ""
	})
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, TLS: TLSNone, Timeout: 2 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	handoffs := 0
	m := msgTo(1, "nobody@example.org")
	m.Handoff = func() error { handoffs++; return nil }
	err = s.Send(context.Background(), m)
	var se *SendError
	if !errors.As(err, &se) || se.Op != "rcpt to" || se.Code != 550 || Temporary(err) {
		t.Fatalf("Send = %v, want a permanent 550 at rcpt to", err)
	}
	if !<-closed {
		t.Error("the client went on after a refused recipient and a 354")
	}
	if handoffs != 1 {
		t.Errorf("Handoff called %d times, want once (pipelined: before the replies)", handoffs)
	}
}

// scriptedServer accepts one connection on a loopback port, which it
// returns, and runs play on it with a 5 s deadline; it closes when t ends.
func scriptedServer(t *testing.T, play func(*textproto.Conn)) (port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		play(textproto.NewConn(c))
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// pipelineServer plays one pipelined transaction and returns the commands
// it read, and "body" once it has read the message.
func pipelineServer(tc *textproto.Conn, replies string, body bool) (lines []string) {
	tc.PrintfLine("220 scripted ESMTP")
	if l, err := tc.ReadLine(); err != nil || !strings.HasPrefix(l, "EHLO") {
		return []string{"no EHLO: " + l}
	}
	tc.PrintfLine("250-scripted\r\n250-PIPELINING\r\n250 8BITMIME")
	for len(lines) < 3 {
		l, err := tc.ReadLine()
		if err != nil {
			return append(lines, err.Error())
		}
		lines = append(lines, l)
	}
	tc.PrintfLine("%s", replies)
	if !body {
		return lines
	}
	if _, err := tc.ReadDotBytes(); err != nil {
		return append(lines, err.Error())
	}
	tc.PrintfLine("250 2.0.0 queued")
	lines = append(lines, "body")
	if l, err := tc.ReadLine(); err == nil && l == "QUIT" {
		tc.PrintfLine("221 bye")
	}
	return lines
}

// TestSMTPHandoff checks that Handoff runs once per message, before the
// server has accepted it.
func TestSMTPHandoff(t *testing.T) {
	srv := smtptest.Start(t)
	s := newTestSMTP(t, srv, nil)
	for i := range 3 {
		calls, before := 0, -1
		m := msgTo(i, "grace@example.org")
		m.Handoff = func() error {
			calls++
			before = srv.Stats().Delivered
			return nil
		}
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
		if calls != 1 || before != i {
			t.Errorf("message %d: Handoff called %d times, with %d messages accepted; want once, with %d", i, calls, before, i)
		}
	}
	if st := srv.Stats(); st.Delivered != 3 || st.Connections != 1 {
		t.Errorf("stats %+v, want 3 messages on 1 connection", st)
	}
}

// TestSMTPHandoffRefused checks that a refusing Handoff keeps the message
// from the server, comes back as a *HandoffError, and leaves the transport
// able to send the next message.
func TestSMTPHandoffRefused(t *testing.T) {
	srv := smtptest.Start(t)
	s := newTestSMTP(t, srv, nil)
	cause := errors.New("ledger says no")
	m := msgTo(1, "grace@example.org")
	m.Handoff = func() error { return cause }
	err := s.Send(context.Background(), m)
	var he *HandoffError
	if !errors.As(err, &he) || !errors.Is(err, cause) {
		t.Fatalf("Send with a refusing Handoff = %v, want a *HandoffError wrapping the cause", err)
	}
	if err := s.Send(context.Background(), msgTo(2, "grace@example.org")); err != nil {
		t.Fatalf("Send after a refused hand-off: %v", err)
	}
	got := srv.Messages()
	if len(got) != 1 || !bytes.Contains(got[0].Data, []byte("i1.s2@example.com")) {
		t.Errorf("server has %d messages, want only the second one", len(got))
	}
}

// TestSMTPSendsRaw checks that prebuilt bytes go out as they are, and that
// the envelope is still checked.
func TestSMTPSendsRaw(t *testing.T) {
	srv := smtptest.Start(t)
	s := newTestSMTP(t, srv, nil)
	m := msgTo(1, "grace@example.org")
	raw, err := s.Build(m)
	if err != nil {
		t.Fatal(err)
	}
	m.Raw = append([]byte("X-Prebuilt: yes\r\n"), raw...)
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Messages(); len(got) != 1 || !bytes.HasPrefix(got[0].Data, []byte("X-Prebuilt: yes\r\n")) {
		t.Errorf("server did not get the prebuilt bytes: %d messages", len(got))
	}
	bad := msgTo(2, "grace@example.org\r\nRCPT TO:<everyone@example.net>")
	bad.Raw = raw
	if err := s.Send(context.Background(), bad); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("Send of prebuilt bytes to a bad address = %v, want ErrInvalidMessage", err)
	}
}

// TestOutboxHandoffAndRaw checks the outbox side of Handoff and Raw.
func TestOutboxHandoffAndRaw(t *testing.T) {
	dir := t.TempDir()
	o, err := NewOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := msgTo(1, "grace@example.org")
	m.Handoff = func() error { return errors.New("no") }
	var he *HandoffError
	if err := o.Send(context.Background(), m); !errors.As(err, &he) {
		t.Fatalf("Send with a refusing Handoff = %v, want *HandoffError", err)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Fatalf("a refused hand-off left %d files", len(files))
	}
	m.Handoff = nil
	m.Raw = []byte("Subject: prebuilt\r\n\r\nbody\r\n")
	if err := o.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 1 {
		t.Fatalf("%d files, want 1", len(files))
	}
	data, _ := os.ReadFile(dir + "/" + files[0].Name())
	if !bytes.Equal(data, m.Raw) {
		t.Errorf("file holds %q, want the prebuilt bytes", data)
	}
	bad := msgTo(2, "not an address")
	bad.Raw = m.Raw
	if err := o.Send(context.Background(), bad); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("Send of prebuilt bytes to a bad address = %v, want ErrInvalidMessage", err)
	}
}
