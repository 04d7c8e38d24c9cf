package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"syscall"

	gomail "github.com/wneessen/go-mail"
)

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("mail transport closed")

// SendError is a failed SMTP delivery attempt. Op names the step that failed:
// "dial", "wait", "mail from", "rcpt to", "data".
type SendError struct {
	Op        string
	Rcpt      string
	Code      int  // SMTP reply code; 0 when the server gave none
	Temporary bool // worth retrying later: 4xx, dropped connection, timeout
	Err       error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("smtp %s for %s: %v", e.Op, e.Rcpt, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// MaybeDelivered reports whether the server may have accepted the message
// although Send failed: the whole message was being handed over in DATA and
// no reply came back (dropped connection, timeout). A ledger should record
// such a delivery as uncertain rather than retry it blindly.
func (e *SendError) MaybeDelivered() bool { return e.Op == "data" && e.Code == 0 }

func newSendError(op, rcpt string, err error) *SendError {
	code, temp := classify(err)
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
