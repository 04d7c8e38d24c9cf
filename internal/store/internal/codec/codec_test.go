package codec

import (
	"reflect"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/subscriber"
)

func TestTimeRoundTrip(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	cases := []struct {
		name string
		in   time.Time
	}{
		{"zero", time.Time{}},
		{"nanoseconds", time.Date(2026, 11, 30, 9, 0, 0, 123456789, time.UTC)},
		{"other zone", time.Date(2026, 3, 29, 2, 30, 0, 1, paris)},
		{"before 1970", time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		got := Time(Nanos(tc.in))
		if !got.Equal(tc.in) || (!got.IsZero() && got.Location() != time.UTC) {
			t.Errorf("%s: %v came back as %v; want equal, in UTC", tc.name, tc.in, got)
		}
	}
}

func TestStrings(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		text string
	}{
		{"nil", nil, "[]"},
		{"empty", []string{}, "[]"},
		{"two", []string{"tag:go", `author:"q"`}, `["tag:go","author:\"q\""]`},
	}
	for _, tc := range cases {
		text := Strings(tc.in)
		back, err := ParseStrings(text)
		want := tc.in
		if len(want) == 0 {
			want = nil
		}
		if text != tc.text || err != nil || !reflect.DeepEqual(back, want) {
			t.Errorf("%s: Strings = %s, back %v, %v; want %s, %v", tc.name, text, back, err, tc.text, want)
		}
	}
	if _, err := ParseStrings("tag:go"); err == nil {
		t.Error("ParseStrings accepted text that is not a JSON list")
	}
}

func TestPrepareNew(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		in    subscriber.Subscriber
		stamp func(subscriber.Subscriber) time.Time
	}{
		{"active confirmed now", subscriber.Subscriber{Email: "a@example.com", Status: subscriber.Active}, func(s subscriber.Subscriber) time.Time { return s.ConfirmedAt }},
		{"unsubscribed now", subscriber.Subscriber{Email: "a@example.com", Status: subscriber.Unsubscribed}, func(s subscriber.Subscriber) time.Time { return s.UnsubscribedAt }},
		{"bounced now", subscriber.Subscriber{Email: "a@example.com", Status: subscriber.Bounced}, func(s subscriber.Subscriber) time.Time { return s.BouncedAt }},
	}
	for _, tc := range cases {
		s := tc.in
		if err := PrepareNew(&s, now); err != nil || !tc.stamp(s).Equal(now) || s.EmailKey != "a@example.com" {
			t.Errorf("%s: PrepareNew = %+v, %v; want the time stamped and the key set", tc.name, s, err)
		}
	}
	pending := subscriber.Subscriber{Email: "A@Example.com"}
	if err := PrepareNew(&pending, now); err != nil || pending.Status != subscriber.Pending || pending.EmailKey != "a@example.com" {
		t.Errorf("default: %+v, %v; want pending with key a@example.com", pending, err)
	}
}

func TestCheckClaim(t *testing.T) {
	cases := []struct {
		name  string
		owner string
		limit int
		lease time.Duration
		ok    bool
	}{
		{"fine", "i1", 1, time.Second, true},
		{"no owner", "", 1, time.Second, false},
		{"negative limit", "i1", -1, time.Second, false},
		{"negative lease", "i1", 1, -time.Second, false},
	}
	for _, tc := range cases {
		if err := CheckClaim(tc.owner, tc.limit, tc.lease); (err == nil) != tc.ok {
			t.Errorf("%s: CheckClaim = %v; want ok %v", tc.name, err, tc.ok)
		}
	}
}
