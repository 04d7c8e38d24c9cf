package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

func TestSubscribeRefusesBadInput(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		name string
		form url.Values
	}{
		{"no email", url.Values{"name": {"x"}}},
		{"not an address", url.Values{"email": {"reader at example.org"}}},
		{"CR/LF in email", url.Values{"email": {"a@example.org\r\nBcc: b@example.org"}}},
		{"display name in email", url.Values{"email": {"Ada <a@example.org>"}}},
		{"CR/LF in name", url.Values{"email": {"n1@example.org"}, "name": {"Ada\r\nBcc: b@example.org"}}},
		{"LF in name", url.Values{"email": {"n2@example.org"}, "name": {"Ada\nX"}}},
		{"tab in name", url.Values{"email": {"n3@example.org"}, "name": {"Ada\tX"}}},
		{"name too long", url.Values{"email": {"n4@example.org"}, "name": {strings.Repeat("é", 101)}}},
		{"bad topic", url.Values{"email": {"n5@example.org"}, "topics": {"everything"}}},
		{"CR/LF in topic", url.Values{"email": {"n6@example.org"}, "topics": {"tag:a\r\nb"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, body := e.postForm(t, "/subscribe", tc.form)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Please check the form") {
				t.Fatalf("got %d\n%s", res.StatusCode, body)
			}
		})
	}
	if n, err := e.store.CountSubscribers(context.Background()); err != nil || len(n) != 0 || len(e.emails(t)) != 0 {
		t.Fatalf("bad input stored %v or sent %d emails (%v)", n, len(e.emails(t)), err)
	}
	if _, err := e.store.SubscriberByEmail(context.Background(), "n1@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("header injection stored: %v", err)
	}
}

func TestNameAtLimitAccepted(t *testing.T) {
	e := newEnv(t, nil)
	res, _ := e.postForm(t, "/subscribe", url.Values{"email": {"long@example.org"}, "name": {strings.Repeat("é", 100)}})
	if res.StatusCode != http.StatusOK || e.subscriberByEmail(t, "long@example.org").Name != strings.Repeat("é", 100) {
		t.Fatalf("100-character name: %d", res.StatusCode)
	}
}

func TestOversizedBody(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxBodyBytes = 1024 })
	big := url.Values{"email": {"big@example.org"}, "name": {"x"}, "pad": {strings.Repeat("a", 2048)}}
	cases := []struct {
		name    string
		path    string
		chunked bool
	}{
		{"subscribe with length", "/subscribe", false},
		{"subscribe chunked", "/subscribe", true},
		{"unsubscribe chunked", "/unsubscribe/x", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body = strings.NewReader(big.Encode())
			req, _ := http.NewRequest("POST", e.ts.URL+tc.path, body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.chunked {
				req.ContentLength = -1 // unknown: the limit must hold while reading
				req.Body = ioNopCloser{strings.NewReader(big.Encode())}
			}
			res, err := e.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			want := http.StatusRequestEntityTooLarge
			if tc.path != "/subscribe" {
				want = http.StatusBadRequest // the token is checked before the body is read
			}
			if res.StatusCode != want {
				t.Fatalf("got %d, want %d", res.StatusCode, want)
			}
		})
	}
	if _, err := e.store.SubscriberByEmail(context.Background(), "big@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("oversized request stored a subscriber: %v", err)
	}
}

func TestRateLimits(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RatePerIP = 3; o.RatePerAddress = 2 })
	post := func(email, ip string) int {
		res, _ := e.do(t, "POST", "/subscribe", strings.NewReader(url.Values{"email": {email}}.Encode()),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Forwarded-For": {ip}})
		return res.StatusCode
	}
	e.srv.SetOptions(withProxy(e.srv, "X-Forwarded-For"))
	steps := []struct {
		name, email, ip string
		advance         time.Duration
		want            int
	}{
		{"address 1st", "same@example.org", "192.0.2.1", 0, 200},
		{"address 2nd from another IP", "same@example.org", "192.0.2.2", 0, 200},
		{"address 3rd answered alike", "same@example.org", "192.0.2.3", 0, 200},
		{"IP 2nd", "b@example.org", "192.0.2.1", 0, 200},
		{"IP 3rd", "c@example.org", "192.0.2.1", 0, 200},
		{"IP 4th refused", "d@example.org", "192.0.2.1", 0, 429},
		{"same IPv6 /64 counts together 1", "e@example.org", "2001:db8::1", 0, 200},
		{"same IPv6 /64 counts together 2", "f@example.org", "2001:db8::2", 0, 200},
		{"same IPv6 /64 counts together 3", "g@example.org", "2001:db8::3", 0, 200},
		{"same IPv6 /64 refused", "h@example.org", "2001:db8::4", 0, 429},
		{"IP refilled after 20 minutes", "i@example.org", "192.0.2.1", 20 * time.Minute, 200},
	}
	for _, st := range steps {
		e.clock.Advance(st.advance)
		if got := post(st.email, st.ip); got != st.want {
			t.Errorf("%s: got %d, want %d", st.name, got, st.want)
		}
	}
	if got := e.metric(t, `herald_subscribe_requests_total{outcome="rate_limited_ip"}`); got != 2 {
		t.Errorf("rate_limited_ip counted %v, want 2", got)
	}
}

func withProxy(s *Server, header string) Options {
	o := s.cfg.Load().Options
	o.TrustedProxyHeader = header
	return o
}

func TestHoneypot(t *testing.T) {
	e := newEnv(t, nil)
	resBot, bodyBot := e.postForm(t, "/subscribe", url.Values{"email": {"bot@example.org"}, "website": {"http://spam.example"}})
	resHuman, bodyHuman := e.postForm(t, "/subscribe", url.Values{"email": {"human@example.org"}})
	if resBot.StatusCode != resHuman.StatusCode || bodyBot != bodyHuman {
		t.Fatalf("honeypot answer differs: %d vs %d", resBot.StatusCode, resHuman.StatusCode)
	}
	if _, err := e.store.SubscriberByEmail(context.Background(), "bot@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("honeypot stored the bot: %v", err)
	}
	if len(e.emails(t)) != 1 {
		t.Fatalf("want only the human's email, got %d", len(e.emails(t)))
	}
	if got := e.metric(t, `herald_subscribe_requests_total{outcome="honeypot"}`); got != 1 {
		t.Fatalf("honeypot counted %v", got)
	}
}

func TestCrossOriginSubscribe(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.FormOrigins = []string{"https://blog.example.com"} })
	cases := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"no browser headers (curl)", nil, 200},
		{"same origin", http.Header{"Origin": {e.ts.URL}, "Sec-Fetch-Site": {"same-origin"}}, 200},
		{"allowed blog", http.Header{"Origin": {"https://blog.example.com"}, "Sec-Fetch-Site": {"cross-site"}}, 200},
		{"other site", http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}, 403},
		{"other site, old browser", http.Header{"Origin": {"https://evil.example"}}, 403},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
			for k, v := range tc.header {
				h[k] = v
			}
			email := url.Values{"email": {"o" + string(rune('a'+i)) + "@example.org"}}.Encode()
			if res, _ := e.do(t, "POST", "/subscribe", strings.NewReader(email), h); res.StatusCode != tc.want {
				t.Fatalf("got %d, want %d", res.StatusCode, tc.want)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.FormOrigins = []string{"https://blog.example.com/"} })
	for _, path := range []string{"/", "/confirm/bad", "/feeds/none", "/healthz"} {
		res, _ := e.do(t, "GET", path, nil, nil)
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self' https://blog.example.com;"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", path, res.Header)
		}
	}
}

// TestRateLimitBehindProxyTwoLines sends what a client behind a proxy
// sends: its own X-Forwarded-For line, different on every request, and the
// line the proxy adds. The limit counts the proxy's line.
func TestRateLimitBehindProxyTwoLines(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RatePerIP = 10; o.TrustedProxyHeader = "X-Forwarded-For" })
	accepted := 0
	for i := range 15 {
		body := url.Values{"email": {fmt.Sprintf("p%d@example.org", i)}}.Encode()
		res, _ := e.do(t, "POST", "/subscribe", strings.NewReader(body), http.Header{
			"Content-Type":    {"application/x-www-form-urlencoded"},
			"X-Forwarded-For": {fmt.Sprintf("203.0.113.%d", i+1), "198.51.100.7"},
		})
		if res.StatusCode == http.StatusOK {
			accepted++
		}
	}
	if accepted != 10 {
		t.Fatalf("%d of 15 subscribes accepted from one client behind the proxy, want 10", accepted)
	}
}

// TestOwnerAfterTenRequests has a stranger post the owner's address ten
// times from ten addresses: the owner's own request is then answered like
// any other (no 429 keyed on the address), and at most RatePerAddress
// confirmations reached the mailbox.
func TestOwnerAfterTenRequests(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.RatePerAddress, o.ResendInterval, o.TrustedProxyHeader = 3, time.Second, "X-Forwarded-For"
	})
	post := func(email, ip string) (int, string, http.Header) {
		res, body := e.do(t, "POST", "/subscribe", strings.NewReader(url.Values{"email": {email}}.Encode()),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Forwarded-For": {ip}})
		return res.StatusCode, body, res.Header
	}
	for i := range 10 {
		e.clock.Advance(time.Minute) // past the resend interval: each asks for a new email
		if code, _, _ := post("owner@example.org", fmt.Sprintf("203.0.113.%d", i+1)); code != 200 {
			t.Fatalf("stranger's request %d: %d, want 200", i+1, code)
		}
	}
	e.clock.Advance(time.Minute)
	code, body, header := post("owner@example.org", "198.51.100.20")
	_, fresh, freshHeader := post("someone-new@example.org", "198.51.100.21")
	if code != 200 || body != fresh || header.Get("Retry-After") != "" || freshHeader.Get("Retry-After") != "" {
		t.Fatalf("owner after ten requests: %d Retry-After %q; want the answer a new address gets:\n%s\nvs\n%s",
			code, header.Get("Retry-After"), body, fresh)
	}
	sent := 0
	for _, m := range e.emails(t) {
		if strings.Contains(m, "To: <owner@example.org>") || strings.Contains(m, "owner@example.org>") {
			sent++
		}
	}
	if sent != 3 {
		t.Errorf("%d confirmations reached owner@example.org, want 3 (rate_per_address)", sent)
	}
	if got := e.metric(t, `herald_web_emails_total{kind="confirm",result="withheld"}`); got != 8 {
		t.Errorf("withheld confirmations counted %v, want 8", got)
	}
}
