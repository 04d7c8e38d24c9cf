package newsletter

import (
	"context"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/mail/smtptest"
	"github.com/heraldhq/herald/internal/store"
)

// TestRealSMTPReplies sends through mail.SMTP to smtptest, so the replies
// are classified by the real client: 451 twice then accepted, 550 failed,
// a connection dropped after the body was written (the relay kept it, or
// not: herald cannot know) held uncertain and never retried.
func TestRealSMTPReplies(t *testing.T) {
	srv := smtptest.Start(t)
	host, port := srv.Addr()
	f := newFixture(t)
	// The relay's 451s slow the pacer down; it waits on the engine's
	// clock, which moves at once.
	tr, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: port, TLS: "none", Connections: 2, Timeout: 5 * time.Second, Clock: f.clock}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	n := f.engine(daily(t), func(o *Options) { o.Transport, o.BounceLimit = tr, 1 })
	f.start(n)
	for _, e := range []string{"ok@example.com", "slow@example.com", "gone@example.com", "flaky@example.com", "kept@example.com"} {
		f.subscribe(e)
	}
	srv.Reply("slow@example.com", 451, 2)
	srv.Reply("gone@example.com", 550, 0)
	srv.DropInData("flaky@example.com", 1)
	srv.HangUpAfterData("kept@example.com", 1)
	f.addPost("p", t0.Add(time.Minute), nil)
	is := f.tickAt(n, nineAM(0))

	ctx := context.Background()
	want := map[string]struct {
		status   store.DeliveryStatus
		attempts int
	}{
		"ok@example.com":    {store.DeliverySent, 1},
		"slow@example.com":  {store.DeliverySent, 3},
		"gone@example.com":  {store.DeliveryFailed, 1},
		"flaky@example.com": {store.DeliveryUncertain, 1},
		"kept@example.com":  {store.DeliveryUncertain, 1},
	}
	copies := map[string]int{"ok@example.com": 1, "slow@example.com": 1, "kept@example.com": 1}
	ds, err := f.st.ListDeliveries(ctx, is.ID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if w := want[d.Email]; d.Status != w.status || d.Attempts != w.attempts {
			t.Errorf("%s: %s after %d attempts (%s), want %s after %d", d.Email, d.Status, d.Attempts, d.LastError, w.status, w.attempts)
		}
	}
	got := map[string]int{}
	for _, m := range srv.Messages() {
		for _, to := range m.To {
			got[to]++
		}
	}
	for addr := range want {
		if got[addr] != copies[addr] {
			t.Errorf("%s received %d copies, want %d", addr, got[addr], copies[addr])
		}
	}
	if sub, _ := f.st.SubscriberByEmail(ctx, "gone@example.com"); sub.Status != "bounced" {
		t.Errorf("gone@ is %s after a 550 with bounce limit 1, want bounced", sub.Status)
	}
}
