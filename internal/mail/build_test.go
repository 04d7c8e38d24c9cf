package mail

import (
	"github.com/heraldhq/herald/internal/testkit"

	"bytes"
	"errors"
	"io"
	"mime"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleMessage() *Message {
	return &Message{
		From:      netmail.Address{Name: "Ada's Blog", Address: "news@example.com"},
		To:        netmail.Address{Name: "Grace Hopper", Address: "grace@example.org"},
		ReplyTo:   "ada@example.com",
		Subject:   "Two new posts",
		Text:      "Hello Grace,\n\nTwo new posts: https://example.com/posts/one/\n",
		HTML:      `<p style="margin:0">Hello Grace,</p><p><a href="https://example.com/posts/one/">One</a></p>`,
		MessageID: "i42.s7@example.com",
		Date:      time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		Headers: []Header{
			{Name: "List-Unsubscribe", Value: "<https://example.com/unsubscribe/tok3n>"},
			{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"},
			{Name: "List-Id", Value: "Ada's Blog <news.example.com>"},
		},
	}
}

// normalise replaces the Date and Message-ID header values, so a golden file
// does not depend on them.
func normalise(raw []byte) []byte {
	lines := strings.Split(string(raw), "\r\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "Date: "):
			lines[i] = "Date: <date>"
		case strings.HasPrefix(l, "Message-ID: "):
			lines[i] = "Message-ID: <message-id>"
		}
	}
	return []byte(strings.Join(lines, "\r\n"))
}

func TestBuildGolden(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		edit   func(m *Message)
	}{
		{"text and html", "alternative.eml", func(*Message) {}},
		{"text only", "text_only.eml", func(m *Message) { m.HTML = ""; m.ReplyTo = "" }},
		{"non-ascii subject and name", "utf8.eml", func(m *Message) {
			m.Subject = "Café: naïve résumé — 日本語"
			m.To.Name = "Zoë Ångström"
			m.Text = "Grüße aus Köln\n"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sampleMessage()
			tt.edit(m)
			raw, err := Build(m, nil)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			testkit.Golden(t, filepath.Join("testdata", tt.golden), normalise(raw))
		})
	}
}

func TestBuildHeaders(t *testing.T) {
	m := sampleMessage()
	m.Subject = "Café ☕"
	raw, err := Build(m, nil)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	parsed, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse built message: %v", err)
	}
	h := parsed.Header
	want := map[string]string{
		"Message-Id":            "<i42.s7@example.com>",
		"Date":                  "Mon, 30 Nov 2026 09:00:00 +0000",
		"Mime-Version":          "1.0",
		"List-Unsubscribe":      "<https://example.com/unsubscribe/tok3n>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"List-Id":               "Ada's Blog <news.example.com>",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != "Café ☕" {
		t.Errorf("Subject decodes to %q (%v), want %q", subject, err, "Café ☕")
	}
	if strings.Contains(h.Get("Subject"), "Café") {
		t.Errorf("non-ASCII subject not encoded: %q", h.Get("Subject"))
	}
	for _, k := range []string{"From", "To", "Reply-To"} {
		if _, err := h.AddressList(k); err != nil {
			t.Errorf("%s %q does not parse: %v", k, h.Get(k), err)
		}
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("Content-Type = %q, want multipart/alternative", h.Get("Content-Type"))
	}
	body, _ := io.ReadAll(parsed.Body)
	for _, part := range []string{"text/plain; charset=UTF-8", "text/html; charset=UTF-8", "quoted-printable"} {
		if !bytes.Contains(body, []byte(part)) {
			t.Errorf("body has no %q", part)
		}
	}
}

func TestBuildDeterministic(t *testing.T) {
	a, errA := Build(sampleMessage(), nil)
	b, errB := Build(sampleMessage(), nil)
	if errA != nil || errB != nil {
		t.Fatalf("Build: %v, %v", errA, errB)
	}
	if !bytes.Equal(a, b) {
		t.Error("two builds of the same message differ")
	}
}

func TestBuildRefusesBadInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(m *Message)
		want string
	}{
		{"CRLF in subject", func(m *Message) { m.Subject = "Hi\r\nBcc: victim@example.net" }, "subject contains a line break"},
		{"LF in to name", func(m *Message) { m.To.Name = "Eve\nBcc: x@example.net" }, "to name contains a line break"},
		{"CR in from address", func(m *Message) { m.From.Address = "a@example.com\r" }, "from address contains a line break"},
		{"LF in header value", func(m *Message) { m.Headers[0].Value = "<https://x>\nBcc: y@example.net" }, "header List-Unsubscribe contains a line break"},
		{"colon in header name", func(m *Message) { m.Headers[0].Name = "X-Bad:Name" }, "is not a token"},
		{"reserved header", func(m *Message) { m.Headers = append(m.Headers, Header{"Bcc", "x@example.net"}) }, "is set by Build"},
		{"to without at", func(m *Message) { m.To.Address = "grace.example.org" }, "to address is not like"},
		{"from without at", func(m *Message) { m.From.Address = "news" }, "from address \"news\""},
		{"reply-to without at", func(m *Message) { m.ReplyTo = "ada" }, "reply-to address"},
		{"two addresses in to", func(m *Message) { m.To.Address = "a@example.org, b@example.org" }, "is not like name@example.com"},
		{"LF in message id", func(m *Message) { m.MessageID = "a@b\nX: y" }, "message id contains a line break"},
		{"brackets in message id", func(m *Message) { m.MessageID = "<a@b>" }, "without brackets"},
		{"empty message id", func(m *Message) { m.MessageID = "" }, "message id is empty"},
		{"empty text", func(m *Message) { m.Text = "" }, "text part is empty"},
		{"zero date", func(m *Message) { m.Date = time.Time{} }, "date is zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sampleMessage()
			tt.edit(m)
			raw, err := Build(m, nil)
			if err == nil {
				t.Fatalf("Build accepted it:\n%s", raw)
			}
			if !errors.Is(err, ErrInvalidMessage) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want ErrInvalidMessage mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := Build(nil, nil); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("Build(nil) error = %v, want ErrInvalidMessage", err)
	}
}
