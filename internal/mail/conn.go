package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"strconv"
	"time"

	"github.com/wneessen/go-mail/smtp"
)

// conn is one slot of the pool: once dialled, an SMTP connection. Only the
// sender holding the slot touches it.
type conn struct {
	cfg  *SMTPConfig
	smtp *smtp.Client
	raw  net.Conn // the TCP (or TLS) connection, to set its deadlines
}

// send delivers one message, dialling first when needed. A pooled connection
// that fails at MAIL FROM with a network error (the server closed it while
// idle) is replaced once: nothing was sent on it yet. handoff runs after the
// body is written and before the final dot; when it fails, the connection is
// dropped without the dot, so the server discards the message, and its
// *HandoffError is returned as it is.
//
// ctx can interrupt the dial, never a transaction once begun: that runs to
// its end, bounded by Timeout and by ctx's deadline, so that stopping a
// sender never leaves a message half handed over.
func (c *conn) send(ctx context.Context, from, to string, data []byte, handoff func() error) error {
	reused := c.smtp != nil
	if !reused {
		if err := c.dial(ctx, to); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return &SendError{Op: OpWait, Rcpt: to, Temporary: true, Err: err}
	}
	op, err := c.transact(ctx, from, to, data, handoff)
	if err != nil && !refused(err) && reused && op == OpMailFrom && Code(err) == 0 && ctx.Err() == nil {
		c.close(false)
		if err := c.dial(ctx, to); err != nil {
			return err
		}
		op, err = c.transact(ctx, from, to, data, handoff)
	}
	if refused(err) {
		c.close(false)
		return err
	}
	if err != nil {
		c.recover(err)
		return newSendError(op, to, err)
	}
	return nil
}

// transact runs one mail transaction on the dialled connection and returns
// the step that failed.
func (c *conn) transact(ctx context.Context, from, to string, data []byte, handoff func() error) (op string, err error) {
	deadline := time.Now().Add(c.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := c.raw.SetDeadline(deadline); err != nil {
		return OpMailFrom, err
	}
	if ok, _ := c.smtp.Extension("PIPELINING"); ok && !c.cfg.NoPipelining {
		return c.pipelined(from, to, data, handoff)
	}
	if err := c.smtp.Mail(envelope(from)); err != nil {
		return OpMailFrom, err
	}
	if err := c.smtp.Rcpt(envelope(to)); err != nil {
		return OpRcptTo, err
	}
	text := c.smtp.Text
	id, err := text.Cmd("DATA")
	if err != nil {
		return OpData, err
	}
	text.StartResponse(id)
	_, _, err = text.ReadResponse(354)
	text.EndResponse(id)
	if err != nil {
		return OpData, err
	}
	return c.body(data, handoff, nil)
}

// body writes the message after DATA's 354, waits for the hand-off
// (handed, when not nil, delivers its result; else handoff is called), then
// writes the final dot and reads the reply. A failure once the dot is
// written is OpDataEnd: the server may have the message.
func (c *conn) body(data []byte, handoff func() error, handed <-chan error) (op string, err error) {
	w := c.smtp.Text.DotWriter()
	if _, err := w.Write(data); err != nil {
		return OpData, err
	}
	if handed != nil {
		err = <-handed
	} else {
		err = handoff()
	}
	if err != nil {
		return OpData, err
	}
	if err := w.Close(); err != nil {
		return OpData, err
	}
	_, _, err = c.smtp.Text.ReadResponse(250)
	return OpDataEnd, err
}

// pipelined is transact for a relay that offers PIPELINING (RFC 2920): MAIL,
// RCPT and DATA go out in one write and their replies are read after, so a
// message costs two round trips instead of four. The parameters of MAIL are
// those go-mail sends.
func (c *conn) pipelined(from, to string, data []byte, handoff func() error) (op string, err error) {
	text := c.smtp.Text
	params := ""
	if ok, _ := c.smtp.Extension("8BITMIME"); ok {
		params += " BODY=8BITMIME"
	}
	if ok, _ := c.smtp.Extension("SMTPUTF8"); ok {
		params += " SMTPUTF8"
	}
	fmt.Fprintf(text.W, "MAIL FROM:%s%s\r\nRCPT TO:%s\r\nDATA\r\n", envelope(from), params, envelope(to))
	if err := text.W.Flush(); err != nil {
		return OpMailFrom, err
	}
	// The server cannot have the message before the final dot: the
	// hand-off runs now, beside the server's answers and the body, and the
	// dot waits for it. Every return waits for it too.
	handed := make(chan error, 1)
	go func() { handed <- handoff() }()
	waited := false
	defer func() {
		if !waited {
			<-handed
		}
	}()
	_, _, mailErr := text.ReadResponse(250)
	if isNetError(mailErr) {
		return OpMailFrom, mailErr
	}
	_, _, rcptErr := text.ReadResponse(25)
	if isNetError(rcptErr) {
		return OpRcptTo, rcptErr
	}
	_, _, dataErr := text.ReadResponse(354)
	if mailErr != nil || rcptErr != nil {
		if dataErr == nil {
			// The server wants the body of a refused transaction: it does
			// not follow RFC 2920, and only a new connection is safe.
			c.close(false)
		}
		if mailErr != nil {
			return OpMailFrom, mailErr
		}
		return OpRcptTo, rcptErr
	}
	if dataErr != nil {
		return OpData, dataErr
	}
	waited = true
	return c.body(data, nil, handed)
}

// refused reports whether err is the hand-off's refusal.
func refused(err error) bool {
	var he *HandoffError
	return errors.As(err, &he)
}

// isNetError reports whether err is not an SMTP reply: the exchange broke.
func isNetError(err error) bool {
	var tp *textproto.Error
	return err != nil && !errors.As(err, &tp)
}

// recover makes the connection usable after a failed transaction: RSET after
// a plain refusal, else close it so that the next send dials again.
func (c *conn) recover(err error) {
	if c.smtp == nil {
		return // already closed
	}
	var tp *textproto.Error
	if errors.As(err, &tp) && tp.Code != 421 {
		if c.raw.SetDeadline(time.Now().Add(c.cfg.Timeout)) == nil && c.smtp.Reset() == nil {
			return
		}
	}
	c.close(false)
}

// dial opens the connection step by step (connect, TLS, greeting, EHLO,
// STARTTLS, AUTH), so that a failure names its step; the error is a
// *SendError. ctx interrupts any of them.
func (c *conn) dial(ctx context.Context, rcpt string) error {
	op, err := c.handshake(ctx)
	if err != nil {
		c.close(false)
		return newSendError(op, rcpt, err)
	}
	return nil
}

func (c *conn) handshake(ctx context.Context) (op string, err error) {
	cfg := c.cfg
	d := &net.Dialer{Timeout: cfg.Timeout}
	raw, err := d.DialContext(ctx, "tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	if err != nil {
		return OpConnect, err
	}
	c.raw = raw
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := raw.SetDeadline(time.Now().Add(cfg.Timeout)); err != nil {
		return OpConnect, err
	}
	if cfg.TLS == TLSImplicit {
		tc := tls.Client(raw, c.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			return OpTLS, err
		}
		c.raw = tc
	}
	if c.smtp, err = smtp.NewClient(c.raw, cfg.Host); err != nil {
		return OpGreeting, err
	}
	if err := c.smtp.Hello(helo(cfg.HELO)); err != nil {
		return OpEHLO, err
	}
	if err := c.startTLS(); err != nil {
		return OpTLS, err
	}
	if err := c.auth(); err != nil {
		return OpAuth, err
	}
	return "", nil
}

// helo is the name sent in EHLO: the configured one, else the machine's.
func helo(name string) string {
	if name != "" {
		return name
	}
	if host, err := os.Hostname(); err == nil && host != "" {
		return host
	}
	return "localhost"
}

// errNoSTARTTLS is the failure of a required STARTTLS the relay lacks.
var errNoSTARTTLS = errors.New("the relay does not offer STARTTLS, which smtp.tls = \"starttls\" requires")

// startTLS upgrades the connection as the TLS mode says.
func (c *conn) startTLS() error {
	mode := c.cfg.TLS
	if mode != TLSStartTLS && mode != TLSOpportunistic {
		return nil
	}
	ok, _ := c.smtp.Extension("STARTTLS")
	switch {
	case !ok && mode == TLSStartTLS:
		return errNoSTARTTLS
	case !ok:
		return nil
	}
	return c.smtp.StartTLS(c.tlsConfig())
}

// auth logs in with the configured mechanism; with TLS "none" the operator
// chose plain text, so PLAIN and LOGIN are allowed without encryption.
func (c *conn) auth() error {
	cfg := c.cfg
	if cfg.Auth == AuthNone {
		return nil
	}
	if ok, _ := c.smtp.Extension("AUTH"); !ok {
		return fmt.Errorf("the relay offers no AUTH, but smtp.auth is %q", cfg.Auth)
	}
	clear := cfg.TLS == TLSNone
	var a smtp.Auth
	switch cfg.Auth {
	case AuthLogin:
		a = smtp.LoginAuth(cfg.Username, cfg.Password, cfg.Host, clear)
	case AuthCRAMMD5:
		a = smtp.CRAMMD5Auth(cfg.Username, cfg.Password)
	default:
		a = smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.Host, clear)
	}
	return c.smtp.Auth(a)
}

// close ends the connection, with QUIT when polite.
func (c *conn) close(polite bool) {
	if c.smtp != nil && polite && c.raw != nil {
		c.raw.SetDeadline(time.Now().Add(c.cfg.Timeout))
		c.smtp.Quit()
	}
	if c.raw != nil {
		c.raw.Close()
	}
	c.smtp, c.raw = nil, nil
}

func (c *conn) tlsConfig() *tls.Config {
	if c.cfg.TLSConfig != nil {
		tc := c.cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = c.cfg.Host
		}
		return tc
	}
	return &tls.Config{ServerName: c.cfg.Host, MinVersion: tls.VersionTLS12}
}
