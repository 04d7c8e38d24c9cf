package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// echoingRelay is a scripted relay that refuses every recipient the way
// Postfix does, quoting the address back.
func echoingRelay(t *testing.T) (string, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				c.Write([]byte("220 relay.test ESMTP\r\n"))
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					cmd := strings.ToUpper(strings.TrimSpace(line))
					switch {
					case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
						c.Write([]byte("250 relay.test\r\n"))
					case strings.HasPrefix(cmd, "MAIL"):
						c.Write([]byte("250 2.1.0 Ok\r\n"))
					case strings.HasPrefix(cmd, "RCPT"):
						addr := strings.TrimSpace(line[strings.Index(line, ":")+1:])
						c.Write([]byte("550 5.1.1 " + addr + ": Recipient address rejected: User unknown in virtual mailbox table (" + strings.Trim(addr, "<>") + ")\r\n"))
					case cmd == "QUIT":
						c.Write([]byte("221 2.0.0 Bye\r\n"))
						return
					default:
						c.Write([]byte("250 2.0.0 Ok\r\n"))
					}
				}
			}()
		}
	}()
	a := ln.Addr().(*net.TCPAddr)
	return a.IP.String(), a.Port
}

// TestSendErrorNamesNoAddress checks that a relay's refusal quoting the
// recipient, and every other failure, gives an error text without the
// address, while Rcpt still has it for the caller.
func TestSendErrorNamesNoAddress(t *testing.T) {
	const rcpt = "Zed.Example@example.com"
	host, port := echoingRelay(t)
	for name, cfg := range map[string]SMTPConfig{
		"refused recipient": {Host: host, Port: port},
		"no relay":          {Host: "127.0.0.1", Port: closedPort(t)},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.TLS, cfg.HELO, cfg.Timeout = TLSNone, "test.localhost", 2*time.Second
			s, err := NewSMTP(cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.Send(context.Background(), msgTo(1, rcpt))
			se, ok := err.(*SendError)
			if !ok || se.Rcpt != rcpt {
				t.Fatalf("Send = %v, want a *SendError for %s", err, rcpt)
			}
			if text := strings.ToLower(err.Error()); strings.Contains(text, "zed") || strings.Contains(text, "@") {
				t.Errorf("error text names the recipient: %s", err)
			}
		})
	}
}

func TestScrub(t *testing.T) {
	for in, want := range map[string]string{
		"550 5.1.1 <zed@example.com>: Recipient address rejected": "550 5.1.1 <<address>>: Recipient address rejected",
		"user unknown (jo@xn--bcher-kva.example)":                 "user unknown (<address>)",
		"mailbox jo@bücher.example is full":                       "mailbox <address> is full",
		"dial tcp 127.0.0.1:25: connection refused":               "dial tcp 127.0.0.1:25: connection refused",
		"two: a@b.example, c+tag@d.example":                       "two: <address>, <address>",
	} {
		if got := Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", in, got, want)
		}
	}
}
