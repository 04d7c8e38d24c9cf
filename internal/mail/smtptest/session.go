package smtptest

import (
	"bytes"
	"errors"
	"io"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// session is one SMTP connection's state; go-smtp calls it from the
// connection's goroutine only.
type session struct {
	s    *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: s, conn: c}, nil
}

var errNeedAuth = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.cfg.user != "" && se.user == "" {
		return errNeedAuth
	}
	se.s.mu.Lock()
	code := se.s.senderCode
	se.s.mu.Unlock()
	if code != 0 {
		return replyError(code)
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if r := se.s.take(to, actReply); r != nil {
		return replyError(r.code)
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	if rl := se.behaviour(); rl != nil {
		return se.misbehave(rl, r)
	}
	se.s.mu.Lock()
	discard := se.s.cfg.discard
	se.s.mu.Unlock()
	var data []byte
	if discard {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
	} else {
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(r); err != nil {
			return err
		}
		data = buf.Bytes()
	}
	se.s.store(se.received(data), discard)
	return nil
}

func (se *session) received(data []byte) Received {
	_, isTLS := se.conn.TLSConnectionState()
	return Received{From: se.from, To: append([]string(nil), se.to...), Data: data, TLS: isTLS, User: se.user}
}

func (s *Server) store(m Received, discard bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Delivered++
	if !discard {
		s.received = append(s.received, m)
	}
}

func (se *session) behaviour() *rule {
	for _, to := range se.to {
		if r := se.s.take(to, actDrop, actStall, actHangUp); r != nil {
			return r
		}
	}
	return nil
}

var errDropped = errors.New("smtptest: connection dropped as told")

// misbehave drops the connection after part of the body, or reads the body
// and then waits until the server stops.
func (se *session) misbehave(rl *rule, r io.Reader) error {
	switch rl.act {
	case actDrop:
		io.ReadFull(r, make([]byte, 64))
		se.conn.Conn().Close()
		return errDropped
	case actHangUp:
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(r); err != nil {
			return err
		}
		se.s.store(se.received(buf.Bytes()), false)
		se.conn.Conn().Close()
		return errDropped
	}
	io.Copy(io.Discard, r)
	<-se.s.done
	return errDropped
}

func (se *session) Reset() {
	se.from, se.to = "", nil
	se.s.mu.Lock()
	se.s.stats.Resets++
	se.s.mu.Unlock()
}

func (se *session) Logout() error { return nil }

// AuthMechanisms offers PLAIN, LOGIN and CRAM-MD5 when the server has a user.
func (se *session) AuthMechanisms() []string {
	if se.s.cfg.user == "" {
		return nil
	}
	return []string{sasl.Plain, sasl.Login, "CRAM-MD5"}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != se.s.cfg.user || pass != se.s.cfg.pass {
			return smtp.ErrAuthFailed
		}
		se.user = user
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	case "CRAM-MD5":
		return newCRAMServer(se.s.cfg.user, se.s.cfg.pass, func() { se.user = se.s.cfg.user }), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}
