package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
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
	good := e.signer.Token(subscriber.PurposeConfirm, sub, testStart.Add(time.Hour))
	altered := []byte(good)
	altered[5] ^= 1 // still base64url, now another payload
	cases := []struct {
		name, path string
		status     int
	}{
		{"forged confirm", "/confirm/" + other.Token(subscriber.PurposeConfirm, sub, testStart.Add(time.Hour)), 400},
		{"altered confirm", "/confirm/" + string(altered), 400},
		{"truncated confirm", "/confirm/" + good[:20], 400},
		{"garbage confirm", "/confirm/!!!", 400},
		{"unsubscribe token used to confirm", "/confirm/" + e.signer.Token(subscriber.PurposeUnsubscribe, sub, time.Time{}), 400},
		{"expired confirm", "/confirm/" + e.signer.Token(subscriber.PurposeConfirm, sub, testStart.Add(-time.Second)), 410},
		{"unknown subscriber", "/confirm/" + e.signer.Token(subscriber.PurposeConfirm, subscriber.Subscriber{ID: sub.ID + 99, TokenKey: sub.TokenKey}, testStart.Add(time.Hour)), 410},
		{"confirm token used to unsubscribe", "/unsubscribe/" + good, 400},
		{"forged unsubscribe", "/unsubscribe/" + other.Token(subscriber.PurposeUnsubscribe, sub, time.Time{}), 400},
		{"preferences token used to unsubscribe", "/unsubscribe/" + e.signer.Token(subscriber.PurposePreferences, sub, time.Time{}), 400},
		{"forged preferences", "/preferences/" + other.Token(subscriber.PurposePreferences, sub, time.Time{}), 400},
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
	e.postForm(t, pathOf(t, subscriber.UnsubscribeURL(e.ts.URL, e.signer, sub)), nil)
	res, _ := e.postForm(t, confirm, nil)
	if st := e.subscriberByEmail(t, "gone@example.org").Status; res.StatusCode != http.StatusGone || st != subscriber.Unsubscribed {
		t.Fatalf("confirm after unsubscribe: %d, status %s", res.StatusCode, st)
	}
}

// TestRemovedSubscriberLinksDie removes a subscriber (an erasure request)
// and lets someone else subscribe: the removed person's confirm,
// preferences and unsubscribe links answer 410 and change nothing, and
// show nothing of the newcomer.
func TestRemovedSubscriberLinksDie(t *testing.T) {
	e := newEnv(t, nil)
	e.postForm(t, "/subscribe", url.Values{"email": {"erased@example.org"}, "name": {"Ed"}})
	confirm := pathOf(t, link(t, e.emails(t)[0], "confirm"))
	e.postForm(t, confirm, nil)
	welcome := e.emails(t)[1]
	prefs, unsub := pathOf(t, link(t, welcome, "preferences")), pathOf(t, link(t, welcome, "unsubscribe"))
	if err := e.store.DeleteSubscriber(context.Background(), e.subscriberByEmail(t, "erased@example.org").ID); err != nil {
		t.Fatal(err)
	}
	e.postForm(t, "/subscribe", url.Values{"email": {"next@example.org"}, "name": {"Bea"}})
	steps := []struct{ method, path string }{
		{"GET", confirm}, {"POST", confirm}, {"GET", prefs}, {"POST", prefs}, {"GET", unsub}, {"POST", unsub},
	}
	for _, st := range steps {
		res, body := e.do(t, st.method, st.path, strings.NewReader("action=save&name=Mallory&List-Unsubscribe=One-Click"),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		if res.StatusCode != http.StatusGone || strings.Contains(body, "Bea") {
			t.Errorf("%s %s of the removed subscriber: %d, want 410 without the newcomer's name\n%s", st.method, st.path, res.StatusCode, body)
		}
	}
	if got := e.subscriberByEmail(t, "next@example.org"); got.Status != subscriber.Pending || got.Name != "Bea" {
		t.Fatalf("the newcomer changed through the removed subscriber's links: %+v", got)
	}
}

// legacyToken builds a link token as herald made them before token keys:
// purpose, id and expiry under the HMAC, no key.
func legacyToken(secret string, p subscriber.Purpose, id int64) string {
	var buf [17]byte
	buf[0] = byte(p)
	binary.BigEndian.PutUint64(buf[1:9], uint64(id))
	h := hmac.New(sha256.New, []byte(secret))
	h.Write(buf[:])
	return base64.RawURLEncoding.EncodeToString(append(buf[:], h.Sum(nil)...))
}

// TestLegacyLinksAfterUpgrade checks that a link sent before token keys
// still works for a subscriber from before the upgrade, and for nobody
// created since.
func TestLegacyLinksAfterUpgrade(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	if _, err := e.store.Import(ctx, []subscriber.Subscriber{
		{Email: "old@example.org", Name: "Olga", Status: subscriber.Active, TokenKey: subscriber.NewTokenKey(), LegacyTokens: true},
		{Email: "new@example.org", Name: "Nina", Status: subscriber.Active},
	}, testStart); err != nil {
		t.Fatal(err)
	}
	old, fresh := e.subscriberByEmail(t, "old@example.org"), e.subscriberByEmail(t, "new@example.org")
	secret := strings.Repeat("k", 32) // newEnv's
	res, body := e.do(t, "GET", "/preferences/"+legacyToken(secret, subscriber.PurposePreferences, old.ID), nil, nil)
	if res.StatusCode != 200 || !strings.Contains(body, "Olga") {
		t.Fatalf("old-format preferences link of a subscriber from before: %d\n%s", res.StatusCode, body)
	}
	res, _ = e.do(t, "GET", "/preferences/"+legacyToken(secret, subscriber.PurposePreferences, fresh.ID), nil, nil)
	if res.StatusCode != http.StatusGone {
		t.Fatalf("old-format link for a subscriber created after the upgrade: %d, want 410", res.StatusCode)
	}
	res, _ = e.postForm(t, "/unsubscribe/"+legacyToken(secret, subscriber.PurposeUnsubscribe, old.ID), nil)
	if st := e.subscriberByEmail(t, "old@example.org").Status; res.StatusCode != 200 || st != subscriber.Unsubscribed {
		t.Fatalf("old-format unsubscribe link: %d, status %s", res.StatusCode, st)
	}
}
