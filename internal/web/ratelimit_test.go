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
		name, remote, header, value, want string
	}{
		{"connection IPv4", "192.0.2.7:5000", "", "", "192.0.2.7"},
		{"connection IPv6 by /64", "[2001:db8:1:2:3:4:5:6]:443", "", "", "2001:db8:1:2::/64"},
		{"mapped IPv4", "[::ffff:192.0.2.7]:1", "", "", "192.0.2.7"},
		{"header ignored when untrusted", "192.0.2.7:1", "", "198.51.100.1", "192.0.2.7"},
		{"trusted X-Real-IP", "10.0.0.1:1", "X-Real-IP", "198.51.100.1", "198.51.100.1"},
		{"trusted X-Forwarded-For takes the rightmost", "10.0.0.1:1", "X-Forwarded-For", "203.0.113.9, 198.51.100.1", "198.51.100.1"},
		{"trusted header missing", "10.0.0.1:1", "X-Real-IP", "", "10.0.0.1"},
		{"garbage", "10.0.0.1:1", "X-Real-IP", "not-an-ip", "unparsed:not-an-ip"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/subscribe", nil)
			r.RemoteAddr = tc.remote
			if tc.value != "" {
				r.Header.Set("X-Real-IP", tc.value)
				r.Header.Set("X-Forwarded-For", tc.value)
			}
			if got := clientKey(r, tc.header); got != tc.want {
				t.Errorf("clientKey = %q, want %q", got, tc.want)
			}
		})
	}
}
