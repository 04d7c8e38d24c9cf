package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/subscriber"
)

func TestSubscribeConfirmUnsubscribeFlow(t *testing.T) {
	e := newEnv(t, nil)
	res, body := e.postForm(t, "/subscribe", url.Values{"email": {"Reader@Example.org"}, "name": {"Ada"}, "topics": {"tag:go"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Check your inbox") {
		t.Fatalf("subscribe: %d\n%s", res.StatusCode, body)
	}
	sub := e.subscriberByEmail(t, "reader@example.org")
	if sub.Status != subscriber.Pending || sub.Name != "Ada" || sub.Email != "Reader@example.org" || len(sub.Topics) != 1 {
		t.Fatalf("after subscribe: %+v", sub)
	}
	mails := e.emails(t)
	if len(mails) != 1 || !strings.Contains(mails[0], "To: \"Ada\" <Reader@example.org>") {
		t.Fatalf("want one confirmation to Ada, got %d:\n%s", len(mails), strings.Join(mails, "\n---\n"))
	}
	if !strings.Contains(mails[0], "@blog.example.com>") {
		t.Errorf("Message-ID not on the From domain:\n%s", mails[0])
	}
	confirm := pathOf(t, link(t, mails[0], "confirm"))

	res, body = e.do(t, "GET", confirm, nil, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `<button type="submit">`) {
		t.Fatalf("GET confirm: %d\n%s", res.StatusCode, body)
	}
	if got := e.subscriberByEmail(t, "reader@example.org").Status; got != subscriber.Pending {
		t.Fatalf("GET confirm changed the status to %s", got)
	}

	res, body = e.postForm(t, confirm, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "You are subscribed") {
		t.Fatalf("POST confirm: %d\n%s", res.StatusCode, body)
	}
	if got := e.subscriberByEmail(t, "reader@example.org").Status; got != subscriber.Active {
		t.Fatalf("after POST confirm: status %s", got)
	}
	mails = e.emails(t)
	// The test server is http: no one-click header, which RFC 8058 allows
	// over https only (TestMailHeaders has the https case).
	if len(mails) != 2 || !strings.Contains(mails[1], "List-Unsubscribe:") || strings.Contains(mails[1], "List-Unsubscribe-Post") {
		t.Fatalf("want a welcome email with List-Unsubscribe and no List-Unsubscribe-Post over http, got %d:\n%s", len(mails), strings.Join(mails, "\n---\n"))
	}

	oneClick := subscriber.UnsubscribeURL(e.ts.URL, e.signer, sub)
	if got := link(t, mails[1], "unsubscribe"); got != oneClick {
		t.Errorf("welcome unsubscribe link %s, want %s", got, oneClick)
	}
	res, body = e.do(t, "POST", oneClick, strings.NewReader("List-Unsubscribe=One-Click"),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if res.StatusCode != http.StatusOK || body != "unsubscribed\n" {
		t.Fatalf("one-click: %d %q", res.StatusCode, body)
	}
	if got := e.subscriberByEmail(t, "reader@example.org").Status; got != subscriber.Unsubscribed {
		t.Fatalf("after one-click: status %s", got)
	}
}

func TestSubscribeJSON(t *testing.T) {
	e := newEnv(t, nil)
	res, body := e.do(t, "POST", "/subscribe", strings.NewReader(`{"email":"json@example.org","topics":["author:ada"]}`),
		http.Header{"Content-Type": {"application/json"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("JSON subscribe: %d %s", res.StatusCode, body)
	}
	if sub := e.subscriberByEmail(t, "json@example.org"); sub.Topics[0] != "author:ada" {
		t.Fatalf("topics %v", sub.Topics)
	}
	res, body = e.do(t, "POST", "/subscribe", strings.NewReader(`{"email":"not an address"}`),
		http.Header{"Content-Type": {"application/json"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"status":"error"`) {
		t.Fatalf("bad JSON subscribe: %d %s", res.StatusCode, body)
	}
}

// answer is what the identical-answers test compares.
type answer struct {
	status int
	header http.Header
	body   string
}

func TestSubscribeAnswersAlike(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RatePerAddress = -1 })
	ctx := context.Background()
	states := map[string]func(){
		"pending@example.org": func() {},
		"active@example.org": func() {
			e.store.Confirm(ctx, e.subscriberByEmail(t, "active@example.org").ID, testStart)
		},
		"left@example.org": func() {
			e.store.Unsubscribe(ctx, e.subscriberByEmail(t, "left@example.org").ID, testStart)
		},
	}
	for addr, setup := range states {
		e.postForm(t, "/subscribe", url.Values{"email": {addr}})
		setup()
	}
	cases := []struct{ name, email string }{
		{"unknown", "new@example.org"}, {"pending", "pending@example.org"},
		{"active", "active@example.org"}, {"unsubscribed", "left@example.org"},
	}
	var first answer
	for i, tc := range cases {
		res, body := e.postForm(t, "/subscribe", url.Values{"email": {tc.email}, "name": {"Same"}})
		res.Header.Del("Date")
		got := answer{res.StatusCode, res.Header, body}
		if i == 0 {
			first = got
			continue
		}
		if got.status != first.status || got.body != first.body || !sameHeader(got.header, first.header) {
			t.Errorf("%s: answer differs from unknown:\n%+v\nvs\n%+v", tc.name, got, first)
		}
	}
	if got := e.subscriberByEmail(t, "active@example.org").Status; got != subscriber.Active {
		t.Errorf("active subscriber became %s", got)
	}
	if got := e.subscriberByEmail(t, "left@example.org").Status; got != subscriber.Pending {
		t.Errorf("unsubscribed address that asked again is %s, want pending", got)
	}
}

func sameHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if strings.Join(a[k], ",") != strings.Join(b[k], ",") {
			return false
		}
	}
	return true
}

func TestPendingResendInterval(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.ResendInterval = time.Hour; o.RatePerAddress = -1 })
	steps := []struct {
		name    string
		advance time.Duration
		emails  int
	}{
		{"first request sends", 0, 1},
		{"again at once sends nothing", time.Minute, 1},
		{"again before the interval sends nothing", 58 * time.Minute, 1},
		{"again after the interval sends", 2 * time.Minute, 2},
	}
	for _, st := range steps {
		e.clock.Advance(st.advance)
		res, _ := e.postForm(t, "/subscribe", url.Values{"email": {"slow@example.org"}})
		if got := len(e.emails(t)); res.StatusCode != http.StatusOK || got != st.emails {
			t.Errorf("%s: status %d, %d emails, want %d", st.name, res.StatusCode, got, st.emails)
		}
	}
}

func TestPreferencesSaveAndLeave(t *testing.T) {
	e := newEnv(t, nil)
	e.postForm(t, "/subscribe", url.Values{"email": {"prefs@example.org"}})
	sub := e.subscriberByEmail(t, "prefs@example.org")
	path := pathOf(t, subscriber.PreferencesURL(e.ts.URL, e.signer, sub))

	res, body := e.do(t, "GET", path, nil, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Save my preferences") {
		t.Fatalf("GET preferences: %d\n%s", res.StatusCode, body)
	}
	res, body = e.postForm(t, path, url.Values{"name": {"Grace"}, "topics": {"tag:go", "author:ada"}, "action": {"save"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "saved") {
		t.Fatalf("save preferences: %d\n%s", res.StatusCode, body)
	}
	got := e.subscriberByEmail(t, "prefs@example.org")
	if got.Name != "Grace" || strings.Join(got.Topics, ",") != "tag:go,author:ada" {
		t.Fatalf("after save: name %q topics %v", got.Name, got.Topics)
	}
	res, _ = e.postForm(t, path, url.Values{"name": {"Bad\r\nBcc: x@example.org"}, "action": {"save"}})
	if res.StatusCode != http.StatusBadRequest || e.subscriberByEmail(t, "prefs@example.org").Name != "Grace" {
		t.Fatalf("a name with CR/LF: status %d", res.StatusCode)
	}
	e.postForm(t, path, url.Values{"action": {"leave"}})
	if st := e.subscriberByEmail(t, "prefs@example.org").Status; st != subscriber.Unsubscribed {
		t.Fatalf("after leave: %s", st)
	}
}

func TestOneClickMultipart(t *testing.T) {
	e := newEnv(t, nil)
	e.postForm(t, "/subscribe", url.Values{"email": {"mp@example.org"}})
	sub := e.subscriberByEmail(t, "mp@example.org")
	body := "--B\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--B--\r\n"
	res, got := e.do(t, "POST", subscriber.UnsubscribeURL(e.ts.URL, e.signer, sub), strings.NewReader(body),
		http.Header{"Content-Type": {"multipart/form-data; boundary=B"}})
	if res.StatusCode != http.StatusOK || got != "unsubscribed\n" {
		t.Fatalf("multipart one-click: %d %q", res.StatusCode, got)
	}
	if st := e.subscriberByEmail(t, "mp@example.org").Status; st != subscriber.Unsubscribed {
		t.Fatalf("status %s", st)
	}
}
