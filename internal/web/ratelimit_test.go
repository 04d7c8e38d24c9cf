package web

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

func TestKeyedLimiter(t *testing.T) {
	l := newKeyedLimiter(2, 100)
	steps := []struct {
		name    string
		key     string
		advance time.Duration
		want    bool
	}{
		{"first", "a", 0, true},
		{"second", "a", 0, true},
		{"third refused", "a", 0, false},
		{"other key unaffected", "b", 0, true},
		{"still refused after 29 minutes", "a", 29 * time.Minute, false},
		{"one token back after 30 minutes", "a", time.Minute, true},
		{"and only one", "a", 0, false},
	}
	now := testStart
	for _, st := range steps {
		now = now.Add(st.advance)
		ok, wait := l.Allow(st.key, now)
		if ok != st.want || (!ok && wait <= 0) {
			t.Errorf("%s: Allow = %v (wait %v), want %v", st.name, ok, wait, st.want)
		}
	}
}

func TestKeyedLimiterEvictsLeastRecent(t *testing.T) {
	l := newKeyedLimiter(1, 3)
	for i := range 3 {
		l.Allow(fmt.Sprint("k", i), testStart)
	}
	l.Allow("k0", testStart) // k0 used again: k1 is now the least recent
	l.Allow("k3", testStart)
	if l.Len() != 3 {
		t.Fatalf("Len = %d, want 3", l.Len())
	}
	if ok, _ := l.Allow("k0", testStart); ok {
		t.Errorf("k0 was evicted, want k1")
	}
	if ok, _ := l.Allow("k1", testStart); !ok {
		t.Errorf("k1 still remembered, want it evicted")
	}
}

func TestKeyedLimiterUnlimited(t *testing.T) {
	var l *keyedLimiter = newKeyedLimiter(-1, 10)
	for range 100 {
		if ok, _ := l.Allow("a", testStart); !ok {
			t.Fatal("an unlimited limiter refused")
		}
	}
	if !l.SamePerHour(-5) || l.SamePerHour(3) {
		t.Fatal("SamePerHour of nil")
	}
}

func TestClientKey(t *testing.T) {
	cases := []struct {
		name, remote, header string
		hops                 int
		lines                []string // values of header, one per line
		want                 string
	}{
		{"connection IPv4", "192.0.2.7:5000", "", 1, nil, "192.0.2.7"},
		{"connection IPv6 by /64", "[2001:db8:1:2:3:4:5:6]:443", "", 1, nil, "2001:db8:1:2::/64"},
		{"mapped IPv4", "[::ffff:192.0.2.7]:1", "", 1, nil, "192.0.2.7"},
		{"header ignored when untrusted", "192.0.2.7:1", "", 1, []string{"198.51.100.1"}, "192.0.2.7"},
		{"trusted X-Real-IP", "10.0.0.1:1", "X-Real-IP", 1, []string{"198.51.100.1"}, "198.51.100.1"},
		{"X-Forwarded-For takes the rightmost", "10.0.0.1:1", "X-Forwarded-For", 1,
			[]string{"203.0.113.9, 198.51.100.1"}, "198.51.100.1"},
		{"X-Forwarded-For over two lines takes the proxy's", "10.0.0.1:1", "X-Forwarded-For", 1,
			[]string{"203.0.113.9", "198.51.100.1"}, "198.51.100.1"},
		{"client line with a list, proxy line after", "10.0.0.1:1", "X-Forwarded-For", 1,
			[]string{"203.0.113.9, 203.0.113.10", "198.51.100.1"}, "198.51.100.1"},
		{"two hops across lines", "10.0.0.1:1", "X-Forwarded-For", 2,
			[]string{"203.0.113.9, 198.51.100.1", "10.0.0.2"}, "198.51.100.1"},
		{"two hops, one entry", "10.0.0.1:1", "X-Forwarded-For", 2, []string{"198.51.100.1"}, "198.51.100.1"},
		{"zero hops means one", "10.0.0.1:1", "X-Forwarded-For", 0, []string{"203.0.113.9, 198.51.100.1"}, "198.51.100.1"},
		{"entry with a port", "10.0.0.1:1", "X-Forwarded-For", 1, []string{"198.51.100.1:4711"}, "198.51.100.1"},
		{"Forwarded", "10.0.0.1:1", "Forwarded", 1,
			[]string{"for=203.0.113.9", "for=198.51.100.1;proto=https;by=10.0.0.1"}, "198.51.100.1"},
		{"Forwarded quoted IPv6 with port", "10.0.0.1:1", "Forwarded", 1,
			[]string{`for=203.0.113.9, For="[2001:db8:cafe::17]:4711"`}, "2001:db8:cafe::/64"},
		{"Forwarded two hops", "10.0.0.1:1", "Forwarded", 2,
			[]string{`for=203.0.113.9;proto=http, for=198.51.100.1`, `for=10.0.0.2`}, "198.51.100.1"},
		{"Forwarded quoted comma", "10.0.0.1:1", "Forwarded", 1,
			[]string{`for=203.0.113.9;ext="a,b", for=198.51.100.1`}, "198.51.100.1"},
		{"Forwarded without for", "10.0.0.1:1", "Forwarded", 1, []string{`for=198.51.100.1, proto=https`}, "unparsed:unknown"},
		{"trusted header missing", "10.0.0.1:1", "X-Real-IP", 1, nil, "10.0.0.1"},
		{"garbage", "10.0.0.1:1", "X-Real-IP", 1, []string{"not-an-ip"}, "unparsed:not-an-ip"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/subscribe", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.lines {
				for _, h := range []string{"X-Real-IP", "X-Forwarded-For", "Forwarded"} {
					r.Header.Add(h, v)
				}
			}
			if got := clientKey(r, tc.header, tc.hops); got != tc.want {
				t.Errorf("clientKey = %q, want %q", got, tc.want)
			}
		})
	}
}
