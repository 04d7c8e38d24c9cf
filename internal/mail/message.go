package mail

import (
	"context"
	"net/mail"
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
}

// Transport delivers messages. Send is safe for concurrent use. An error
// from Send can be classified with Temporary and Code.
type Transport interface {
	Send(ctx context.Context, m *Message) error
	Close() error
}
