package mail

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Header is one extra header line, such as List-Unsubscribe.
type Header struct {
	Name  string
	Value string
}

// Message is one email to one recipient. Build turns it into RFC 5322 bytes.
type Message struct {
	From      mail.Address
	To        mail.Address
	ReplyTo   string
	Subject   string
	Text      string    // text/plain part; required
	HTML      string    // text/html part; optional
	MessageID string    // without angle brackets, e.g. "i42.s7@example.com"; required
	Date      time.Time // required; the caller's clock, never read here
	Headers   []Header  // List-Unsubscribe, List-Unsubscribe-Post, List-Id, ...

	// Handoff, when set, is called by Send once, before the message can be
	// the receiver's: for SMTP once MAIL, RCPT and DATA are on their way
	// (pipelined: from another goroutine, while the replies and the body
	// go, and the final dot waits for it; else after the body, right before
	// the dot), for the outbox before the file is written. A sender records
	// its ledger there, so that the record overlaps the SMTP exchange
	// instead of preceding it.
	// When Handoff returns an error the message is not handed off (the
	// connection is dropped before the body ends) and Send returns a
	// *HandoffError wrapping it. When Send fails before that point, Handoff
	// is not called; when the server refuses the message after it, Send
	// returns that refusal as usual.
	Handoff func() error

	// Raw, when set, is what Send delivers instead of building the message
	// again: the bytes of this message from the same transport's Build
	// (see Builder), so that a sender can build ahead of its connections.
	Raw []byte
}

// Builder is a Transport that can build a message ahead of Send, signed as
// Send would sign it; the result goes in Message.Raw.
type Builder interface {
	Build(m *Message) ([]byte, error)
}

// HandoffError is returned by Send when Message.Handoff refused: the
// message was not handed off.
type HandoffError struct{ Err error }

func (e *HandoffError) Error() string { return "message not handed off: " + e.Err.Error() }

func (e *HandoffError) Unwrap() error { return e.Err }

// HandOff calls m.Handoff when it is set; transports call it at the point
// where the message becomes the receiver's. A refusal is a *HandoffError.
func (m *Message) HandOff() error {
	if m.Handoff == nil {
		return nil
	}
	if err := m.Handoff(); err != nil {
		return &HandoffError{Err: err}
	}
	return nil
}

// Transport delivers messages. Send is safe for concurrent use. An error
// from Send can be classified with Temporary and Code.
type Transport interface {
	Send(ctx context.Context, m *Message) error
	Close() error
}

// UnsubscribeHeaders returns the unsubscribe headers of a message whose
// personal unsubscribe link is url: List-Unsubscribe (RFC 2369) always,
// and List-Unsubscribe-Post (RFC 8058 one-click) only when url is https,
// as RFC 8058 requires; over http the header would be false and the
// large receivers ignore it.
func UnsubscribeHeaders(url string) []Header {
	h := []Header{{Name: "List-Unsubscribe", Value: "<" + url + ">"}}
	if strings.HasPrefix(strings.ToLower(url), "https://") {
		h = append(h, Header{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"})
	}
	return h
}

// AutoSubmitted is the RFC 3834 header of a mail no person wrote (a
// confirmation, a welcome), so that vacation responders stay silent.
var AutoSubmitted = Header{Name: "Auto-Submitted", Value: "auto-generated"}
