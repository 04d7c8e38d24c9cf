package mail

import (
	"context"
	"fmt"
	"sync"
	"testing"

	gomail "github.com/wneessen/go-mail"

	"github.com/heraldhq/herald/internal/mail/smtptest"
)

const (
	benchMessages = 10_000
	benchConns    = 4
)

// BenchmarkSMTPSend sends benchMessages messages per iteration through SMTP
// with benchConns connections to a discarding server. Compare its msgs/s
// with BenchmarkPlainGoMail.
func BenchmarkSMTPSend(b *testing.B) {
	srv := smtptest.Start(b, smtptest.WithDiscard())
	s := newTestSMTP(b, srv, func(c *SMTPConfig) { c.Connections = benchConns })
	msgs := benchMsgs()
	b.ResetTimer()
	for b.Loop() {
		fanOut(b, msgs, func(_ int, m *Message) error { return s.Send(context.Background(), m) })
	}
	b.ReportMetric(float64(b.N*benchMessages)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkPlainGoMail is the reference: benchConns go-mail clients, each
// dialled once and used by one goroutine, sending the same messages.
func BenchmarkPlainGoMail(b *testing.B) {
	srv := smtptest.Start(b, smtptest.WithDiscard())
	host, port := srv.Addr()
	clients := make([]*gomail.Client, benchConns)
	for i := range clients {
		c, err := gomail.NewClient(host, gomail.WithPort(port), gomail.WithTLSPolicy(gomail.NoTLS), gomail.WithHELO("bench.localhost"))
		if err != nil {
			b.Fatal(err)
		}
		if err := c.DialWithContext(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		clients[i] = c
	}
	msgs := benchMsgs()
	b.ResetTimer()
	for b.Loop() {
		fanOut(b, msgs, func(worker int, m *Message) error { return clients[worker].Send(goMailMsg(b, m)) })
	}
	b.ReportMetric(float64(b.N*benchMessages)/b.Elapsed().Seconds(), "msgs/s")
}

// goMailMsg builds the same message the plain go-mail way.
func goMailMsg(b *testing.B, m *Message) *gomail.Msg {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(&m.From)
	msg.ToMailAddress(&m.To)
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.Date)
	for _, h := range m.Headers {
		msg.SetGenHeader(gomail.Header(h.Name), h.Value)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	return msg
}

func benchMsgs() []*Message {
	msgs := make([]*Message, benchMessages)
	for i := range msgs {
		msgs[i] = msgTo(i, fmt.Sprintf("reader%d@example.org", i))
	}
	return msgs
}

// fanOut sends msgs with benchConns goroutines, worker w taking every
// benchConns-th message.
func fanOut(b *testing.B, msgs []*Message, send func(worker int, m *Message) error) {
	var wg sync.WaitGroup
	for w := range benchConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(msgs); i += benchConns {
				if err := send(w, msgs[i]); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
