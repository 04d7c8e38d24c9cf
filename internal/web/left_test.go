package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/subscriber"
)

// TestPagesAfterLeaving follows someone who unsubscribed back to their
// links: the preferences page says they left and offers to subscribe
// again, saving changes nothing and says so, the unsubscribe page says the
// address is already unsubscribed, and "Subscribe again" starts double
// opt-in again.
func TestPagesAfterLeaving(t *testing.T) {
	e := newEnv(t, nil)
	e.postForm(t, "/subscribe", url.Values{"email": {"gone@example.org"}, "name": {"Lin"}})
	e.postForm(t, pathOf(t, link(t, e.emails(t)[0], "confirm")), nil)
	sub := e.subscriberByEmail(t, "gone@example.org")
	prefs := pathOf(t, subscriber.PreferencesURL(e.ts.URL, e.signer, sub))
	unsub := pathOf(t, subscriber.UnsubscribeURL(e.ts.URL, e.signer, sub))
	if res, body := e.postForm(t, unsub, nil); res.StatusCode != 200 || !strings.Contains(body, "You are unsubscribed") {
		t.Fatalf("unsubscribe: %d\n%s", res.StatusCode, body)
	}
	left := e.subscriberByEmail(t, "gone@example.org")

	res, body := e.do(t, "GET", prefs, nil, nil)
	if res.StatusCode != 200 || !strings.Contains(body, "You are unsubscribed") ||
		!strings.Contains(body, "Subscribe again") || strings.Contains(body, "Save my preferences") {
		t.Fatalf("preferences after leaving: %d\n%s", res.StatusCode, body)
	}
	res, body = e.postForm(t, prefs, url.Values{"name": {"Changed"}, "topics": {"tag:go"}, "action": {"save"}})
	if res.StatusCode != http.StatusConflict || strings.Contains(body, "saved.") || !strings.Contains(body, "Nothing was saved") {
		t.Fatalf("saving after leaving: %d\n%s", res.StatusCode, body)
	}
	if got := e.subscriberByEmail(t, "gone@example.org"); got.Name != "Lin" || len(got.Topics) != 0 || !got.UpdatedAt.Equal(left.UpdatedAt) {
		t.Fatalf("saving after leaving changed the subscriber: %+v", got)
	}

	for _, method := range []string{"GET", "POST"} {
		res, body = e.do(t, method, unsub, strings.NewReader(""), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		if res.StatusCode != 200 || !strings.Contains(body, "already unsubscribed") || strings.Contains(body, "<button") {
			t.Fatalf("%s unsubscribe page after leaving: %d\n%s", method, res.StatusCode, body)
		}
	}
	if got := e.subscriberByEmail(t, "gone@example.org"); !got.UnsubscribedAt.Equal(left.UnsubscribedAt) {
		t.Errorf("unsubscribing again moved the unsubscribe time from %v to %v", left.UnsubscribedAt, got.UnsubscribedAt)
	}

	before := len(e.emails(t))
	res, body = e.postForm(t, prefs, url.Values{"action": {"resubscribe"}})
	if res.StatusCode != 200 || !strings.Contains(body, "Check your inbox") {
		t.Fatalf("subscribe again: %d\n%s", res.StatusCode, body)
	}
	if got := e.subscriberByEmail(t, "gone@example.org").Status; got != subscriber.Pending {
		t.Fatalf("after subscribe again: %s, want pending until confirmed", got)
	}
	mails := e.emails(t)
	if len(mails) != before+1 {
		t.Fatalf("subscribe again sent %d emails, want one confirmation", len(mails)-before)
	}
	e.postForm(t, pathOf(t, link(t, mails[len(mails)-1], "confirm")), nil)
	if got := e.subscriberByEmail(t, "gone@example.org").Status; got != subscriber.Active {
		t.Fatalf("after confirming again: %s", got)
	}
	if _, body = e.do(t, "GET", prefs, nil, nil); !strings.Contains(body, "Save my preferences") {
		t.Fatalf("preferences after coming back lack the form:\n%s", body)
	}
}
