package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// ErrInvalidMessage wraps every reason Build refuses a Message.
var ErrInvalidMessage = errors.New("invalid message")

// reserved are the headers Build writes itself; Message.Headers may not
// repeat them.
var reserved = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "reply-to": true,
	"subject": true, "date": true, "message-id": true, "mime-version": true,
	"content-type": true, "content-transfer-encoding": true, "dkim-signature": true,
}

// Build turns m into RFC 5322 bytes (CRLF line ends): a multipart/alternative
// message with the text and HTML parts (text/plain only when HTML is empty),
// UTF-8, quoted-printable, with Message-ID <m.MessageID>, Date, From, To,
// Reply-To when set, the Subject (RFC 2047 encoded when not ASCII) and the
// extra headers in m.Headers. The MIME boundary is derived from the
// Message-ID, so the same Message builds to the same bytes.
//
// When dkim is not nil the message is signed and starts with a
// DKIM-Signature header. A CR or LF in any header value, an address without
// @, an empty Text or MessageID, or a zero Date is refused with an error
// wrapping ErrInvalidMessage.
func Build(m *Message, dkim *DKIM) ([]byte, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	msg, err := compose(m)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	// Quoted-printable grows the parts a little; headers take about 1 KB.
	buf.Grow(len(m.Text) + len(m.HTML) + (len(m.Text)+len(m.HTML))/8 + 2048)
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write message %s: %w", m.MessageID, err)
	}
	if dkim == nil {
		return buf.Bytes(), nil
	}
	return dkim.Sign(buf.Bytes())
}

func compose(m *Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithBoundary(boundary(m.MessageID)))
	msg.FromMailAddress(&mail.Address{Name: m.From.Name, Address: m.From.Address})
	msg.ToMailAddress(&mail.Address{Name: m.To.Name, Address: m.To.Address})
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("%w: reply-to %q: %w", ErrInvalidMessage, m.ReplyTo, err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.Date)
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, listIDHeader) {
			v, err := formatListID(h.Value)
			if err != nil {
				return nil, err
			}
			msg.SetGenHeaderPreformatted(listIDHeader, v)
			continue
		}
		msg.SetGenHeader(gomail.Header(h.Name), h.Value)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// boundary derives a MIME boundary from the Message-ID, so that building the
// same message twice gives the same bytes.
func boundary(messageID string) string {
	sum := sha256.Sum256([]byte("herald-boundary:" + messageID))
	return "herald-" + hex.EncodeToString(sum[:12])
}

func validate(m *Message) error {
	if m == nil {
		return fmt.Errorf("%w: nil message", ErrInvalidMessage)
	}
	checks := []error{
		checkAddress("from", m.From),
		checkAddress("to", m.To),
		checkReplyTo(m.ReplyTo),
		checkLine("subject", m.Subject),
		checkMessageID(m.MessageID),
	}
	if m.Text == "" {
		checks = append(checks, fmt.Errorf("%w: text part is empty", ErrInvalidMessage))
	}
	if m.Date.IsZero() {
		checks = append(checks, fmt.Errorf("%w: date is zero", ErrInvalidMessage))
	}
	for _, h := range m.Headers {
		checks = append(checks, checkHeader(h))
	}
	return errors.Join(checks...)
}

// prebuilt returns what a transport signing with dkim sends for m: m.Raw
// when set (checking the envelope addresses as Build would), else m built.
func prebuilt(m *Message, dkim *DKIM) ([]byte, error) {
	if m == nil || m.Raw == nil {
		return Build(m, dkim)
	}
	if err := validateEnvelope(m); err != nil {
		return nil, err
	}
	return m.Raw, nil
}

// validateEnvelope checks the addresses Send puts in MAIL FROM and RCPT TO,
// for a message whose bytes were built before.
func validateEnvelope(m *Message) error {
	return errors.Join(checkAddress("from", m.From), checkAddress("to", m.To))
}

func checkLine(what, v string) error {
	if strings.ContainsAny(v, "\r\n\x00") {
		if strings.HasPrefix(what, "to ") { // a subscriber's name or address: see checkAddress
			return fmt.Errorf("%w: %s contains a line break", ErrInvalidMessage, what)
		}
		return fmt.Errorf("%w: %s contains a line break: %q", ErrInvalidMessage, what, v)
	}
	return nil
}

func checkAddress(what string, a mail.Address) error {
	if err := checkLine(what+" name", a.Name); err != nil {
		return err
	}
	if err := checkLine(what+" address", a.Address); err != nil {
		return err
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || at == len(a.Address)-1 || strings.ContainsAny(a.Address, " <>,;\t") {
		if what == "to" { // a subscriber's: errors are logged, and logs name subscribers by id
			return fmt.Errorf("%w: to address is not like name@example.com", ErrInvalidMessage)
		}
		return fmt.Errorf("%w: %s address %q is not like name@example.com", ErrInvalidMessage, what, a.Address)
	}
	return nil
}

func checkReplyTo(v string) error {
	if v == "" {
		return nil
	}
	return checkAddress("reply-to", mail.Address{Address: v})
}

func checkMessageID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: message id is empty", ErrInvalidMessage)
	}
	if err := checkLine("message id", id); err != nil {
		return err
	}
	if !strings.Contains(id, "@") || strings.ContainsAny(id, "<> \t") {
		return fmt.Errorf("%w: message id %q is not like local@domain without brackets", ErrInvalidMessage, id)
	}
	return nil
}

func checkHeader(h Header) error {
	if h.Name == "" || strings.IndexFunc(h.Name, badNameRune) >= 0 {
		return fmt.Errorf("%w: header name %q is not a token", ErrInvalidMessage, h.Name)
	}
	if reserved[strings.ToLower(h.Name)] {
		return fmt.Errorf("%w: header %q is set by Build, not in Headers", ErrInvalidMessage, h.Name)
	}
	if err := checkLine("header "+h.Name, h.Value); err != nil {
		return err
	}
	if strings.EqualFold(h.Name, listIDHeader) {
		_, _, err := parseListID(h.Value)
		return err
	}
	return nil
}

// badNameRune reports runes not allowed in a header field name (RFC 5322
// section 2.2: printable ASCII except colon).
func badNameRune(r rune) bool {
	return r <= ' ' || r > '~' || r == ':'
}
