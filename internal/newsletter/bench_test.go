package newsletter

import (
	"github.com/heraldhq/herald/internal/clock/clocktest"

	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/mail/smtptest"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/subscriber"
)

const benchConnections = 4

// benchEngine returns an engine over a fresh store of subs active
// subscribers, sending through a discarding smtptest server, and a
// function that sends one more issue.
func benchEngine(b *testing.B, subs int) func() {
	b.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir()+"/herald.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	list := make([]subscriber.Subscriber, subs)
	for i := range list {
		list[i] = subscriber.Subscriber{Email: crashEmail(i), EmailKey: crashEmail(i), Status: subscriber.Active}
	}
	if _, err := st.Import(ctx, list, crashRun); err != nil {
		b.Fatal(err)
	}
	if _, err := st.SetSettingIfAbsent(ctx, baselineKey, crashRun.Format(time.RFC3339Nano)); err != nil {
		b.Fatal(err)
	}
	srv := smtptest.Start(b, smtptest.WithDiscard())
	host, port := srv.Addr()
	tr, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: port, TLS: "none", Connections: benchConnections}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { tr.Close() })
	clock := clocktest.NewAuto(crashRun)
	var posts []*post.Post
	opts := crashOptions(st, tr)
	opts.Clock, opts.Workers, opts.Batch = realTimers{clock}, benchConnections, 100
	opts.Posts = func() []*post.Post { return posts }
	n, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	return func() {
		clock.Set(clock.Now().Add(time.Hour))
		posts = append([]*post.Post{{ID: "p" + strconv.Itoa(len(posts)), Title: "Bench", Date: clock.Now().Add(-time.Minute),
			Permalink: "https://blog.example.com/posts/bench/"}}, posts...)
		res, err := n.SendNow(ctx, SendOptions{})
		if err != nil || res.Sent != subs {
			b.Fatalf("send: %+v, %v", res, err)
		}
	}
}

// realTimers keeps the test's time but waits on real timers, so workers
// that wait for their siblings at the end of an issue poll at the real
// pace instead of spinning.
type realTimers struct{ *clocktest.Auto }

func (realTimers) After(d time.Duration) <-chan time.Time { return time.After(d) }

// BenchmarkSendIssue10k sends one issue to 10,000 subscribers per
// iteration through the whole engine: ledger writes, rendering, 4 SMTP
// connections to a server that discards the messages.
func BenchmarkSendIssue10k(b *testing.B) {
	send := benchEngine(b, 10_000)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		send()
	}
	b.ReportMetric(float64(10_000*b.N)/time.Since(start).Seconds(), "msgs/s")
}

// BenchmarkPlainLoop10k is the yardstick: a plain go-mail loop over 4
// connections to the same kind of server, with no ledger and no
// templates. "same" sends, to each of the 10,000 recipients, the message
// herald renders for one of them (same subject, parts and list headers,
// its own To and Message-ID), so the two sides put the same bytes on the
// wire; "tiny" sends a two-line message and shows what the size costs.
func BenchmarkPlainLoop10k(b *testing.B) {
	for _, tc := range []struct {
		name string
		msg  *mail.Message
	}{{"same", benchMessage(b)}, {"tiny", tinyMessage()}} {
		b.Run(tc.name, func(b *testing.B) {
			srv := smtptest.Start(b, smtptest.WithDiscard())
			host, port := srv.Addr()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				var wg sync.WaitGroup
				for c := range benchConnections {
					wg.Go(func() { plainLoop(b, host, port, c, tc.msg) })
				}
				wg.Wait()
			}
			b.ReportMetric(float64(10_000*b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}

// benchMessage is the message the engine of benchEngine sends to its first
// subscriber.
func benchMessage(b *testing.B) *mail.Message {
	b.Helper()
	st, err := sqlite.Open(context.Background(), b.TempDir()+"/herald.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	out, err := mail.NewOutbox(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	n, err := New(crashOptions(st, out))
	if err != nil {
		b.Fatal(err)
	}
	c := &content{issueID: 1, date: crashRun, posts: []*post.Post{{ID: "p0", Title: "Bench", Date: crashRun.Add(-time.Minute),
		Permalink: "https://blog.example.com/posts/bench/"}}}
	sub := subscriber.Subscriber{ID: 1, Email: crashEmail(0), EmailKey: crashEmail(0), Status: subscriber.Active}
	m, err := n.message(c, sub, c.posts, n.messageID("abcdefghijklmnop", 1, c.date, 1))
	if err != nil {
		b.Fatal(err)
	}
	return m
}

func tinyMessage() *mail.Message {
	return &mail.Message{Subject: "Bench", Text: "Hello,\n\nA new post: https://blog.example.com/posts/bench/\n",
		HTML: "<p>A new post: <a href=\"https://blog.example.com/posts/bench/\">Bench</a></p>"}
}

// plainLoop sends msg's subject, parts and headers to every
// benchConnections-th recipient from conn on, one go-mail message each.
func plainLoop(b *testing.B, host string, port, conn int, msg *mail.Message) {
	client, err := gomail.NewClient(host, gomail.WithPort(port), gomail.WithTLSPolicy(gomail.NoTLS))
	if err != nil {
		b.Error(err)
		return
	}
	if err := client.DialWithContext(context.Background()); err != nil {
		b.Error(err)
		return
	}
	defer client.Close()
	for i := conn; i < 10_000; i += benchConnections {
		m := gomail.NewMsg()
		if err := m.From("news@blog.example.com"); err != nil {
			b.Error(err)
			return
		}
		if err := m.To(crashEmail(i)); err != nil {
			b.Error(err)
			return
		}
		m.Subject(msg.Subject)
		m.SetMessageIDWithValue("plain." + strconv.Itoa(i) + "@blog.example.com")
		m.SetDate()
		for _, h := range msg.Headers {
			m.SetGenHeader(gomail.Header(h.Name), h.Value)
		}
		m.SetBodyString(gomail.TypeTextPlain, msg.Text)
		m.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
		if err := client.Send(m); err != nil {
			b.Error(err)
			return
		}
	}
}

// BenchmarkSendIssueMemory reports the peak heap while sending one issue,
// at 10,000 and 100,000 subscribers: it should stay flat.
func BenchmarkSendIssueMemory(b *testing.B) {
	for _, subs := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", subs/1000), func(b *testing.B) {
			send := benchEngine(b, subs)
			runtime.GC()
			b.ResetTimer()
			peak := peakHeap(func() {
				for range b.N {
					send()
				}
			})
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// peakHeap runs fn while sampling the heap in use every 10ms, and returns
// the largest sample.
func peakHeap(fn func()) uint64 {
	done := make(chan struct{})
	var peak uint64
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return peak
}
