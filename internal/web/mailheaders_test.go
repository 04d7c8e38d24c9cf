package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestMailHeaders follows a subscription with an https public URL and a
// Reply-To: both mails carry Reply-To and Auto-Submitted (RFC 3834), the
// welcome the one-click header, and the confirmation shows its expiry in
// the site's time zone.
func TestMailHeaders(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(o *Options) {
		o.PublicURL, o.ReplyTo, o.Site.Location = "https://news.example.com", "editor@blog.example.com", tokyo
	})
	if res, body := e.postForm(t, "/subscribe", url.Values{"email": {"reader@example.org"}}); res.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d\n%s", res.StatusCode, body)
	}
	mails := e.emails(t)
	if len(mails) != 1 {
		t.Fatalf("%d mails, want the confirmation", len(mails))
	}
	if res, body := e.postForm(t, pathOf(t, link(t, mails[0], "confirm")), nil); res.StatusCode != http.StatusOK {
		t.Fatalf("confirm: %d\n%s", res.StatusCode, body)
	}
	mails = e.emails(t)
	if len(mails) != 2 {
		t.Fatalf("%d mails, want the confirmation and the welcome", len(mails))
	}
	for i, name := range []string{"confirmation", "welcome"} {
		head := "\r\n" + mails[i][:strings.Index(mails[i], "\r\n\r\n")+2]
		for _, h := range []string{"\r\nReply-To: <editor@blog.example.com>\r\n", "\r\nAuto-Submitted: auto-generated\r\n"} {
			if !strings.Contains(head, h) {
				t.Errorf("the %s lacks %q:\n%s", name, strings.TrimSpace(h), head)
			}
		}
	}
	if !strings.Contains(mails[1], "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") {
		t.Errorf("the welcome over https lacks List-Unsubscribe-Post:\n%s", mails[1])
	}
	// testStart + 72h, shown in Tokyo (UTC+9).
	want := testStart.Add(DefaultConfirmTTL).In(tokyo).Format("2 January 2006 15:04") + " JST"
	if !strings.Contains(mails[0], want) {
		t.Errorf("the confirmation does not show the expiry %q in the site's zone:\n%s", want, mails[0])
	}
}

// TestWelcomeMentionsVacation: a welcome sent while a vacation skips the
// next issue says so, from Options.Vacation at the time of sending.
func TestWelcomeMentionsVacation(t *testing.T) {
	var asked time.Time
	e := newEnv(t, func(o *Options) {
		o.Vacation = func(now time.Time) *Vacation {
			asked = now
			return &Vacation{Until: time.Date(2027, 2, 26, 0, 0, 0, 0, time.UTC), Note: "Away",
				Next: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)}
		}
	})
	if res, body := e.postForm(t, "/subscribe", url.Values{"email": {"reader@example.org"}}); res.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d\n%s", res.StatusCode, body)
	}
	if res, body := e.postForm(t, pathOf(t, link(t, e.emails(t)[0], "confirm")), nil); res.StatusCode != http.StatusOK {
		t.Fatalf("confirm: %d\n%s", res.StatusCode, body)
	}
	mails := e.emails(t)
	want := "No issue for a while: Away; the newsletter is back on 26 February 2027, with the first issue on Monday 1 March 2027."
	if len(mails) != 2 || !strings.Contains(strings.ReplaceAll(mails[1], "=\r\n", ""), want) {
		t.Errorf("the welcome does not mention the vacation (%q):\n%s", want, strings.Join(mails, "\n---\n"))
	}
	if !asked.Equal(e.clock.Now()) {
		t.Errorf("Vacation asked at %v, want the server's clock %v", asked, e.clock.Now())
	}
}
