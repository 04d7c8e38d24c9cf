package subscriber

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func newTestSigner(t *testing.T) *Signer {
	t.Helper()
	s, err := NewSigner(bytes.Repeat([]byte("k"), MinSecretLen))
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	return s
}

func TestSignerRoundTrip(t *testing.T) {
	s := newTestSigner(t)
	cases := []struct {
		name    string
		purpose Purpose
		id      int64
		expires time.Time
	}{
		{"confirm with expiry", PurposeConfirm, 42, now.Add(48 * time.Hour)},
		{"unsubscribe never expires", PurposeUnsubscribe, 7, time.Time{}},
		{"preferences large id", PurposePreferences, 1<<62 + 3, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sub := Subscriber{ID: tc.id, TokenKey: NewTokenKey()}
			token := s.Token(tc.purpose, sub, tc.expires)
			c, err := s.Verify(tc.purpose, token, now)
			if err != nil || c.ID != tc.id || c.Key != sub.TokenKey || !c.Matches(sub) {
				t.Fatalf("Verify = %+v, %v; want id %d key %s", c, err, tc.id, sub.TokenKey)
			}
		})
	}
}

func TestSignerRefuses(t *testing.T) {
	s := newTestSigner(t)
	other, err := NewSigner(bytes.Repeat([]byte("o"), MinSecretLen))
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	sub := Subscriber{ID: 42, TokenKey: NewTokenKey()}
	confirm := s.Token(PurposeConfirm, sub, now.Add(time.Hour))
	cases := []struct {
		name    string
		token   string
		purpose Purpose
		at      time.Time
		want    error
	}{
		{"altered byte", alterByte(t, confirm, 3), PurposeConfirm, now, ErrBadToken},
		{"altered key", alterByte(t, confirm, 20), PurposeConfirm, now, ErrBadToken},
		{"altered signature", alterByte(t, confirm, 40), PurposeConfirm, now, ErrBadToken},
		{"other purpose", confirm, PurposeUnsubscribe, now, ErrBadToken},
		{"other secret", other.Token(PurposeConfirm, sub, now.Add(time.Hour)), PurposeConfirm, now, ErrBadToken},
		{"truncated", confirm[:len(confirm)-2], PurposeConfirm, now, ErrBadToken},
		{"not base64", "!!!" + confirm[3:], PurposeConfirm, now, ErrBadToken},
		{"empty", "", PurposeConfirm, now, ErrBadToken},
		{"expired at the instant", confirm, PurposeConfirm, now.Add(time.Hour), ErrExpiredToken},
		{"expired later", confirm, PurposeConfirm, now.Add(24 * time.Hour), ErrExpiredToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := s.Verify(tc.purpose, tc.token, tc.at)
			if !errors.Is(err, tc.want) || c != (Claims{}) {
				t.Fatalf("Verify = %+v, %v; want no claims, %v", c, err, tc.want)
			}
		})
	}
}

// alterByte flips one bit of the decoded token at index i.
func alterByte(t *testing.T, token string, i int) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatalf("decode token: %v", err)
	}
	raw[i] ^= 0x01
	return base64.RawURLEncoding.EncodeToString(raw)
}

func TestNewSignerShortSecret(t *testing.T) {
	for _, n := range []int{0, 1, MinSecretLen - 1} {
		if _, err := NewSigner(make([]byte, n)); err == nil {
			t.Errorf("NewSigner accepted a %d-byte secret", n)
		}
	}
}

func TestSignerCopiesSecret(t *testing.T) {
	secret := bytes.Repeat([]byte("k"), MinSecretLen)
	s, err := NewSigner(secret)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	token := s.Token(PurposeUnsubscribe, Subscriber{ID: 1, TokenKey: NewTokenKey()}, time.Time{})
	secret[0] = 'x'
	if _, err := s.Verify(PurposeUnsubscribe, token, now); err != nil {
		t.Fatalf("changing the caller's slice broke the signer: %v", err)
	}
}

// legacyToken builds a token as herald made them before token keys:
// purpose, id, expiry and the HMAC, nothing else.
func legacyToken(secret []byte, p Purpose, id int64, expires time.Time) string {
	var buf [legacyPayloadLen]byte
	buf[0] = byte(p)
	binary.BigEndian.PutUint64(buf[1:9], uint64(id))
	if !expires.IsZero() {
		binary.BigEndian.PutUint64(buf[9:17], uint64(expires.Unix()))
	}
	h := hmac.New(sha256.New, secret)
	h.Write(buf[:])
	return base64.RawURLEncoding.EncodeToString(append(buf[:], h.Sum(nil)...))
}

// TestClaimsMatch checks who a token may act for: the subscriber whose key
// it carries; a legacy token only a subscriber from before token keys; a
// later subscriber given the same id, never.
func TestClaimsMatch(t *testing.T) {
	secret := bytes.Repeat([]byte("k"), MinSecretLen)
	s := newTestSigner(t)
	old := Subscriber{ID: 7, TokenKey: NewTokenKey(), LegacyTokens: true}
	reused := Subscriber{ID: 7, TokenKey: NewTokenKey()}
	keyed := s.Token(PurposePreferences, old, time.Time{})
	legacy := legacyToken(secret, PurposePreferences, 7, time.Time{})
	cases := []struct {
		name  string
		token string
		sub   Subscriber
		want  bool
	}{
		{"keyed token, its subscriber", keyed, old, true},
		{"keyed token, id reused", keyed, reused, false},
		{"keyed token, other id", keyed, Subscriber{ID: 8, TokenKey: old.TokenKey}, false},
		{"legacy token, subscriber from before", legacy, old, true},
		{"legacy token, subscriber created after", legacy, reused, false},
		{"keyed token, subscriber without a key", keyed, Subscriber{ID: 7}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := s.Verify(PurposePreferences, tc.token, now)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got := c.Matches(tc.sub); got != tc.want {
				t.Errorf("Matches = %v, want %v (claims %+v)", got, tc.want, c)
			}
		})
	}
}

// FuzzVerify feeds the token parser arbitrary text: it never panics,
// refuses with ErrBadToken or ErrExpiredToken only, and whatever it accepts
// carries a key of the right length or none.
func FuzzVerify(f *testing.F) {
	s, err := NewSigner(bytes.Repeat([]byte("k"), MinSecretLen))
	if err != nil {
		f.Fatal(err)
	}
	sub := Subscriber{ID: 3, TokenKey: NewTokenKey()}
	f.Add(s.Token(PurposeConfirm, sub, now.Add(time.Hour)))
	f.Add(s.Token(PurposeUnsubscribe, sub, time.Time{}))
	f.Add(legacyToken(bytes.Repeat([]byte("k"), MinSecretLen), PurposeUnsubscribe, 3, time.Time{}))
	f.Add("")
	f.Add("====")
	f.Fuzz(func(t *testing.T, token string) {
		for _, p := range []Purpose{PurposeConfirm, PurposeUnsubscribe, PurposePreferences} {
			c, err := s.Verify(p, token, now)
			switch {
			case err == nil:
				if c.Key != "" && len(c.Key) != 2*TokenKeyLen {
					t.Fatalf("Verify(%q) accepted a key of %d hex digits", token, len(c.Key))
				}
				if again := s.Token(p, Subscriber{ID: c.ID, TokenKey: c.Key}, time.Time{}); c.Key != "" && len(again) != len(token) {
					t.Fatalf("accepted token %q is not of the keyed length", token)
				}
			case !errors.Is(err, ErrBadToken) && !errors.Is(err, ErrExpiredToken):
				t.Fatalf("Verify(%q) = %v: not a token error", token, err)
			}
		}
	})
}
