package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"regexp"
	"strings"
	"syscall"

	gomail "github.com/wneessen/go-mail"
)

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("mail transport closed")

// The steps of an SMTP delivery, as SendError.Op names them, in order. The
// first five set up the connection; a failure there is the relay's (or its
// settings'), never the recipient's.
const (
	OpWait     = "wait"        // for the rate limits or a free connection
	OpConnect  = "connect"     // TCP connection to the relay
	OpTLS      = "tls"         // implicit TLS or STARTTLS handshake
	OpGreeting = "greeting"    // the server's 220 banner
	OpEHLO     = "ehlo"        // EHLO (and HELO)
	OpAuth     = "auth"        // AUTH
	OpMailFrom = "mail from"   // MAIL FROM
	OpRcptTo   = "rcpt to"     // RCPT TO
	OpData     = "data"        // DATA's 354 and the body, before the final dot
	OpDataEnd  = "end of data" // the reply to the final dot, once it was written
)

// SendError is a failed SMTP delivery attempt. Op names the step that
// failed (one of the Op constants).
type SendError struct {
	Op        string
	Rcpt      string
	Code      int  // SMTP reply code; 0 when the server gave none
	Temporary bool // worth retrying later: 4xx, dropped connection, timeout
	Err       error
}

// Error names the step and the cause, with every email address in the
// cause replaced by "<address>": relays echo the recipient ("550 5.1.1
// <zed@example.com>: Recipient address rejected"), and logs name
// subscribers by id only. Rcpt keeps the address for the caller.
func (e *SendError) Error() string {
	return fmt.Sprintf("smtp %s: %s", e.Op, Scrub(e.Err.Error()))
}

// addressPattern matches what looks like an email address in free text.
var addressPattern = regexp.MustCompile(`[^\s<>"'(),;:\[\]@]+@[^\s<>"'(),;:\[\]@]+`)

// Scrub returns text with every email address replaced by "<address>".
func Scrub(text string) string {
	if !strings.Contains(text, "@") {
		return text
	}
	return addressPattern.ReplaceAllString(text, "<address>")
}

func (e *SendError) Unwrap() error { return e.Err }

// MaybeDelivered reports whether the server may have the message although
// Send failed: the final dot of DATA was written and no reply came back
// (dropped connection, timeout, EOF). Such a delivery must be recorded as
// uncertain and never retried by itself: a retry could be a duplicate.
// Every failure before that point (connect, TLS, greeting, EHLO, AUTH,
// MAIL, RCPT, DATA's 354, writing the body) certainly did not deliver.
func (e *SendError) MaybeDelivered() bool { return e.Op == OpDataEnd && e.Code == 0 }

// RelayFault reports whether the failure is the relay's or its settings',
// not the recipient's: it could not be reached, TLS or AUTH failed, it
// refused the greeting, EHLO or (with a 5xx) MAIL FROM. Every message would
// fail the same way, so a sender should stop rather than count a bounce.
// A refusal of RCPT TO, or of the recipient's DATA, is the recipient's.
func (e *SendError) RelayFault() bool {
	switch e.Op {
	case OpConnect, OpTLS, OpGreeting, OpEHLO, OpAuth:
		return true
	case OpMailFrom:
		return e.Code >= 500
	}
	return false
}

// Setting names the configuration to check after a RelayFault; empty for
// other failures.
func (e *SendError) Setting() string {
	if !e.RelayFault() {
		return ""
	}
	switch e.Op {
	case OpConnect:
		return "smtp.host and smtp.port (or smtp.url), and that the relay is running"
	case OpTLS:
		return "smtp.tls (implicit, starttls, opportunistic or none) and the relay's certificate"
	case OpGreeting:
		return "smtp.host and smtp.port (or smtp.url): the server there refuses the connection"
	case OpEHLO:
		return "smtp.helo"
	case OpAuth:
		return "smtp.username and the password (HERALD_SMTP_PASSWORD, smtp.password_file or smtp.password), and smtp.auth"
	}
	return "smtp.from (the relay refuses it as sender)"
}

func newSendError(op, rcpt string, err error) *SendError {
	code, temp := classify(err)
	if op == OpTLS && code == 0 {
		temp = isNetworkError(err) && !isTLSError(err)
	}
	return &SendError{Op: op, Rcpt: rcpt, Code: code, Temporary: temp, Err: err}
}

// Temporary reports whether err is a temporary delivery failure, worth
// retrying later: a 4xx reply, a dropped connection, a timeout, a cancelled
// context. A 5xx reply, an invalid message or an unknown error is permanent.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	var se *SendError
	if errors.As(err, &se) {
		return se.Temporary
	}
	_, temp := classify(err)
	return temp
}

// Code returns the SMTP reply code carried by err, or 0 when there is none.
func Code(err error) int {
	if err == nil {
		return 0
	}
	var se *SendError
	if errors.As(err, &se) {
		return se.Code
	}
	code, _ := classify(err)
	return code
}

// classify digs the SMTP reply code out of err and says whether it is
// temporary.
func classify(err error) (code int, temp bool) {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code, tp.Code >= 400 && tp.Code < 500
	}
	var gse *gomail.SendError
	if errors.As(err, &gse) && gse.ErrorCode() != 0 {
		return gse.ErrorCode(), gse.IsTemp()
	}
	return 0, isNetworkError(err)
}

// isNetworkError reports a dropped connection, a timeout or a cancelled
// context: the message may be tried again.
func isNetworkError(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, net.ErrClosed):
		return true
	}
	return errors.As(err, &ne)
}

// isTLSError reports a failed handshake or an untrusted certificate: a
// matter of settings, not worth retrying.
func isTLSError(err error) bool {
	var (
		alert    tls.AlertError
		record   tls.RecordHeaderError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return errors.As(err, &alert) || errors.As(err, &record) || errors.As(err, &verify) ||
		errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid)
}
