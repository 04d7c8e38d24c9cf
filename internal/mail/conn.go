package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// conn is one slot of the pool: a go-mail client and, once dialled, its
// SMTP connection. Only the sender holding the slot touches it.
type conn struct {
	cfg    *SMTPConfig
	client *gomail.Client
	smtp   *smtp.Client
	raw    net.Conn // the TCP (or TLS) connection, to interrupt it on ctx end
}

// send delivers one message, dialling first when needed. A pooled connection
// that fails at MAIL FROM with a network error (the server closed it while
// idle) is replaced once: nothing was sent on it yet. handoff runs after the
// body is written and before the final dot; when it fails, the connection is
// dropped without the dot, so the server discards the message, and its
// *HandoffError is returned as it is.
func (c *conn) send(ctx context.Context, from, to string, data []byte, handoff func() error) error {
	reused := c.smtp != nil
	if !reused {
		if err := c.dial(ctx); err != nil {
			return newSendError("dial", to, err)
		}
	}
	op, err := c.transact(ctx, from, to, data, handoff)
	if err != nil && !refused(err) && reused && op == "mail from" && Code(err) == 0 && ctx.Err() == nil {
		c.close(false)
		if err := c.dial(ctx); err != nil {
			return newSendError("dial", to, err)
		}
		op, err = c.transact(ctx, from, to, data, handoff)
	}
	if refused(err) {
		c.close(false)
		return err
	}
	if err != nil {
		c.recover(ctx, err)
		return newSendError(op, to, err)
	}
	return nil
}

func (c *conn) transact(ctx context.Context, from, to string, data []byte, handoff func() error) (op string, err error) {
	raw := c.raw
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := c.smtp.UpdateDeadline(c.cfg.Timeout); err != nil {
		return "mail from", err
	}
	if ok, _ := c.smtp.Extension("PIPELINING"); ok && !c.cfg.NoPipelining {
		return c.pipelined(from, to, data, handoff)
	}
	if err := c.smtp.Mail(envelope(from)); err != nil {
		return "mail from", err
	}
	if err := c.smtp.Rcpt(envelope(to)); err != nil {
		return "rcpt to", err
	}
	w, err := c.smtp.Data()
	if err != nil {
		return "data", err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return "data", err
	}
	if err := handoff(); err != nil {
		return "data", err
	}
	return "data", w.Close()
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
		return "mail from", err
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
		return "mail from", mailErr
	}
	_, _, rcptErr := text.ReadResponse(25)
	if isNetError(rcptErr) {
		return "rcpt to", rcptErr
	}
	_, _, dataErr := text.ReadResponse(354)
	if mailErr != nil || rcptErr != nil {
		if dataErr == nil {
			// The server wants the body of a refused transaction: it does
			// not follow RFC 2920, and only a new connection is safe.
			c.close(false)
		}
		if mailErr != nil {
			return "mail from", mailErr
		}
		return "rcpt to", rcptErr
	}
	if dataErr != nil {
		return "data", dataErr
	}
	w := text.DotWriter()
	if _, err := w.Write(data); err != nil {
		return "data", err
	}
	waited = true
	if err := <-handed; err != nil {
		return "data", err
	}
	if err := w.Close(); err != nil {
		return "data", err
	}
	_, _, err = text.ReadResponse(250)
	return "data", err
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
func (c *conn) recover(ctx context.Context, err error) {
	if c.smtp == nil {
		return // already closed
	}
	var tp *textproto.Error
	if errors.As(err, &tp) && tp.Code != 421 && ctx.Err() == nil {
		if c.smtp.UpdateDeadline(c.cfg.Timeout) == nil && c.smtp.Reset() == nil {
			return
		}
	}
	c.close(false)
}

func (c *conn) dial(ctx context.Context) error {
	if c.client == nil {
		client, err := gomail.NewClient(c.cfg.Host, c.options()...)
		if err != nil {
			return fmt.Errorf("configure client: %w", err)
		}
		c.client = client
	}
	sc, err := c.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if c.raw != nil {
			c.raw.Close()
		}
		c.raw = nil
		return err
	}
	c.smtp = sc
	return nil
}

// close ends the connection, with QUIT when polite.
func (c *conn) close(polite bool) {
	if c.smtp != nil && polite {
		c.smtp.UpdateDeadline(c.cfg.Timeout)
		c.smtp.Quit()
	}
	if c.raw != nil {
		c.raw.Close()
	}
	c.smtp, c.raw = nil, nil
}

func (c *conn) options() []gomail.Option {
	cfg := c.cfg
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithTimeout(cfg.Timeout),
		gomail.WithTLSConfig(c.tlsConfig()),
		gomail.WithDialContextFunc(c.dialContext),
		gomail.WithTLSPolicy(tlsPolicy(cfg.TLS)),
	}
	if cfg.TLS == TLSImplicit {
		opts = append(opts, gomail.WithSSL())
	}
	if cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(cfg.HELO))
	}
	if cfg.Auth != AuthNone {
		opts = append(opts, gomail.WithSMTPAuth(authType(cfg.Auth, cfg.TLS)),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	return opts
}

// dialContext opens the TCP connection (with TLS for "implicit") and keeps
// it, so that a cancelled context can interrupt a stuck exchange.
func (c *conn) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: c.cfg.Timeout}
	var raw net.Conn
	var err error
	if c.cfg.TLS == TLSImplicit {
		raw, err = (&tls.Dialer{NetDialer: d, Config: c.tlsConfig()}).DialContext(ctx, network, addr)
	} else {
		raw, err = d.DialContext(ctx, network, addr)
	}
	if err != nil {
		return nil, err
	}
	c.raw = raw
	return raw, nil
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

func tlsPolicy(mode string) gomail.TLSPolicy {
	switch mode {
	case TLSStartTLS:
		return gomail.TLSMandatory
	case TLSOpportunistic:
		return gomail.TLSOpportunistic
	}
	return gomail.NoTLS
}

// authType maps the mechanism; with TLS "none" the operator chose plain
// text, so PLAIN and LOGIN are allowed without encryption.
func authType(auth, tlsMode string) gomail.SMTPAuthType {
	switch auth {
	case AuthLogin:
		if tlsMode == TLSNone {
			return gomail.SMTPAuthLoginNoEnc
		}
		return gomail.SMTPAuthLogin
	case AuthCRAMMD5:
		return gomail.SMTPAuthCramMD5
	}
	if tlsMode == TLSNone {
		return gomail.SMTPAuthPlainNoEnc
	}
	return gomail.SMTPAuthPlain
}
