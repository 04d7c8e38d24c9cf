package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/subscriber"
)

func TestBadTokensChangeNothing(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.ConfirmTTL = time.Hour })
	e.postForm(t, "/subscribe", url.Values{"email": {"victim@example.org"}})
	sub := e.subscriberByEmail(t, "victim@example.org")
	other, err := subscriber.NewSigner([]byte(strings.Repeat("x", 32)))
	if err != nil {
		t.Fatal(err)
	}
	good := e.signer.Token(subscriber.PurposeConfirm, sub.ID, testStart.Add(time.Hour))
	altered := []byte(good)
	altered[5] ^= 1 // still base64url, now another payload
	cases := []struct {
		name, path string
		status     int
	}{
		{"forged confirm", "/confirm/" + other.Token(subscriber.PurposeConfirm, sub.ID, testStart.Add(time.Hour)), 400},
		{"altered confirm", "/confirm/" + string(altered), 400},
		{"truncated confirm", "/confirm/" + good[:20], 400},
		{"garbage confirm", "/confirm/!!!", 400},
		{"unsubscribe token used to confirm", "/confirm/" + e.signer.Token(subscriber.PurposeUnsubscribe, sub.ID, time.Time{}), 400},
		{"expired confirm", "/confirm/" + e.signer.Token(subscriber.PurposeConfirm, sub.ID, testStart.Add(-time.Second)), 410},
		{"unknown subscriber", "/confirm/" + e.signer.Token(subscriber.PurposeConfirm, sub.ID+99, testStart.Add(time.Hour)), 410},
		{"confirm token used to unsubscribe", "/unsubscribe/" + good, 400},
		{"forged unsubscribe", "/unsubscribe/" + other.Token(subscriber.PurposeUnsubscribe, sub.ID, time.Time{}), 400},
		{"preferences token used to unsubscribe", "/unsubscribe/" + e.signer.Token(subscriber.PurposePreferences, sub.ID, time.Time{}), 400},
		{"forged preferences", "/preferences/" + other.Token(subscriber.PurposePreferences, sub.ID, time.Time{}), 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{"GET", "POST"} {
				body := "List-Unsubscribe=One-Click&action=leave"
				res, page := e.do(t, method, tc.path, strings.NewReader(body),
					http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
				if res.StatusCode != tc.status || !strings.Contains(page, "link") {
					t.Errorf("%s: %d, want %d with a page about the link\n%s", method, res.StatusCode, tc.status, page)
				}
			}
			if got := e.subscriberByEmail(t, "victim@example.org"); got.Status != subscriber.Pending {
				t.Fatalf("status became %s", got.Status)
			}
		})
	}
}

func TestConfirmLinkExpiresWithClock(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.ConfirmTTL = time.Hour })
	e.postForm(t, "/subscribe", url.Values{"email": {"late@example.org"}})
	confirm := pathOf(t, link(t, e.emails(t)[0], "confirm"))
	e.clock.Advance(time.Hour)
	res, body := e.postForm(t, confirm, nil)
	if res.StatusCode != http.StatusGone || !strings.Contains(body, "expired") {
		t.Fatalf("expired confirm: %d\n%s", res.StatusCode, body)
	}
	if st := e.subscriberByEmail(t, "late@example.org").Status; st != subscriber.Pending {
		t.Fatalf("status %s", st)
	}
}

func TestConfirmAfterUnsubscribeStaysOut(t *testing.T) {
	e := newEnv(t, nil)
	e.postForm(t, "/subscribe", url.Values{"email": {"gone@example.org"}})
	confirm := pathOf(t, link(t, e.emails(t)[0], "confirm"))
	sub := e.subscriberByEmail(t, "gone@example.org")
	e.postForm(t, pathOf(t, subscriber.UnsubscribeURL(e.ts.URL, e.signer, sub.ID)), nil)
	res, _ := e.postForm(t, confirm, nil)
	if st := e.subscriberByEmail(t, "gone@example.org").Status; res.StatusCode != http.StatusGone || st != subscriber.Unsubscribed {
		t.Fatalf("confirm after unsubscribe: %d, status %s", res.StatusCode, st)
	}
}
