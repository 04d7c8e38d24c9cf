package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want SMTPConfig
	}{
		{"smtp defaults", "smtp://mail.example.com",
			SMTPConfig{Host: "mail.example.com", Port: 587, TLS: TLSOpportunistic}},
		{"smtp with port and starttls", "smtp://mail.example.com:2525?tls=starttls",
			SMTPConfig{Host: "mail.example.com", Port: 2525, TLS: TLSStartTLS}},
		{"smtp without tls", "smtp://localhost:25?tls=none",
			SMTPConfig{Host: "localhost", Port: 25, TLS: TLSNone}},
		{"smtps with user", "smtps://ada:p%40ss@mail.example.com",
			SMTPConfig{Host: "mail.example.com", Port: 465, TLS: TLSImplicit, Username: "ada", Password: "p@ss"}},
		{"all parameters", "smtp://u:p@relay.example:587?auth=cram-md5&connections=4&rate=12.5&timeout=10s&helo=blog.example",
			SMTPConfig{Host: "relay.example", Port: 587, TLS: TLSOpportunistic, Username: "u", Password: "p",
				Auth: AuthCRAMMD5, Connections: 4, Rate: 12.5, Timeout: 10 * time.Second, HELO: "blog.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSMTPURL(tt.url)
			if err != nil {
				t.Fatalf("ParseSMTPURL: %v", err)
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseSMTPURLErrors(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"wrong scheme", "http://ada:hunter2@mail.example.com", `scheme "http"`},
		{"no host", "smtp://ada:hunter2@:25", "want scheme://host"},
		{"path", "smtp://ada:hunter2@mail.example.com/x", "no path"},
		{"bad port", "smtp://ada:hunter2@mail.example.com:0", "port"},
		{"unknown tls", "smtp://ada:hunter2@mail.example.com?tls=maybe", `smtp tls "maybe"`},
		{"tls on smtps", "smtps://ada:hunter2@mail.example.com?tls=none", "always implicit"},
		{"unknown auth", "smtp://ada:hunter2@mail.example.com?auth=ntlm", `smtp auth "ntlm"`},
		{"unknown parameter", "smtp://ada:hunter2@mail.example.com?pool=3", `unknown parameter "pool"`},
		{"bad rate", "smtp://ada:hunter2@mail.example.com?rate=fast", "parameter rate"},
		{"negative connections", "smtp://ada:hunter2@mail.example.com?connections=-1", "may be negative"},
		{"bad timeout", "smtp://ada:hunter2@mail.example.com?timeout=5", "parameter timeout"},
		{"unparsable", "smtp://ada:hunter2@mail example.com", "parse smtp url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSMTPURL(tt.url)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error reveals the password: %v", err)
			}
		})
	}
}

func TestNewSMTPConfigErrors(t *testing.T) {
	ok := SMTPConfig{Host: "mail.example.com", Port: 587}
	tests := []struct {
		name string
		edit func(c *SMTPConfig)
		want string
	}{
		{"no host", func(c *SMTPConfig) { c.Host = "" }, "smtp host"},
		{"port zero", func(c *SMTPConfig) { c.Port = 0 }, "smtp port 0"},
		{"port too big", func(c *SMTPConfig) { c.Port = 70000 }, "smtp port 70000"},
		{"unknown tls", func(c *SMTPConfig) { c.TLS = "ssl" }, `smtp tls "ssl"`},
		{"unknown auth", func(c *SMTPConfig) { c.Auth = "xoauth2" }, `smtp auth "xoauth2"`},
		{"auth without user", func(c *SMTPConfig) { c.Auth = AuthLogin }, "needs a username"},
		{"negative rate", func(c *SMTPConfig) { c.Rate = -1 }, "may be negative"},
		{"negative timeout", func(c *SMTPConfig) { c.Timeout = -time.Second }, "may be negative"},
		{"zero domain rate", func(c *SMTPConfig) { c.DomainRates = map[string]float64{"gmail.com": 0} }, `domain "gmail.com"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			if _, err := NewSMTP(cfg, nil); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestSMTPConfigDefaultsAndString(t *testing.T) {
	s, err := NewSMTP(SMTPConfig{Host: "mail.example.com", Port: 587, Username: "ada", Password: "hunter2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := s.cfg
	if c.TLS != TLSOpportunistic || c.Auth != AuthPlain || c.Connections != 1 || c.Timeout != DefaultTimeout {
		t.Errorf("defaults %+v", c)
	}
	if str := c.String(); strings.Contains(str, "hunter2") || !strings.Contains(str, "mail.example.com:587") {
		t.Errorf("String() = %q", str)
	}
}

func TestTemporaryAndCode(t *testing.T) {
	timeout := &net.OpError{Op: "read", Err: &timeoutErr{}}
	tests := []struct {
		name     string
		err      error
		wantTemp bool
		wantCode int
	}{
		{"nil", nil, false, 0},
		{"421", &textproto.Error{Code: 421, Msg: "closing"}, true, 421},
		{"451 wrapped", fmt.Errorf("rcpt: %w", &textproto.Error{Code: 451, Msg: "later"}), true, 451},
		{"550", &textproto.Error{Code: 550, Msg: "no such user"}, false, 550},
		{"send error", &SendError{Op: "data", Code: 452, Temporary: true, Err: errors.New("x")}, true, 452},
		{"eof", io.EOF, true, 0},
		{"reset", fmt.Errorf("write: %w", syscall.ECONNRESET), true, 0},
		{"timeout", timeout, true, 0},
		{"deadline", context.DeadlineExceeded, true, 0},
		{"invalid message", ErrInvalidMessage, false, 0},
		{"other", errors.New("certificate signed by unknown authority"), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Temporary(tt.err); got != tt.wantTemp {
				t.Errorf("Temporary = %v, want %v", got, tt.wantTemp)
			}
			if got := Code(tt.err); got != tt.wantCode {
				t.Errorf("Code = %d, want %d", got, tt.wantCode)
			}
		})
	}
}

type timeoutErr struct{}

func (*timeoutErr) Error() string   { return "i/o timeout" }
func (*timeoutErr) Timeout() bool   { return true }
func (*timeoutErr) Temporary() bool { return true }
