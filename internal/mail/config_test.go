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
