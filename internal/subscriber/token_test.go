package subscriber

import (
	"bytes"
	"encoding/base64"
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
			token := s.Token(tc.purpose, tc.id, tc.expires)
			id, err := s.Verify(tc.purpose, token, now)
			if err != nil || id != tc.id {
				t.Fatalf("Verify = %d, %v; want %d", id, err, tc.id)
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
	confirm := s.Token(PurposeConfirm, 42, now.Add(time.Hour))
	cases := []struct {
		name    string
		token   string
		purpose Purpose
		at      time.Time
		want    error
	}{
		{"altered byte", alterByte(t, confirm, 3), PurposeConfirm, now, ErrBadToken},
		{"altered signature", alterByte(t, confirm, 30), PurposeConfirm, now, ErrBadToken},
		{"other purpose", confirm, PurposeUnsubscribe, now, ErrBadToken},
		{"other secret", other.Token(PurposeConfirm, 42, now.Add(time.Hour)), PurposeConfirm, now, ErrBadToken},
		{"truncated", confirm[:len(confirm)-2], PurposeConfirm, now, ErrBadToken},
		{"not base64", "!!!" + confirm[3:], PurposeConfirm, now, ErrBadToken},
		{"empty", "", PurposeConfirm, now, ErrBadToken},
		{"expired at the instant", confirm, PurposeConfirm, now.Add(time.Hour), ErrExpiredToken},
		{"expired later", confirm, PurposeConfirm, now.Add(24 * time.Hour), ErrExpiredToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := s.Verify(tc.purpose, tc.token, tc.at)
			if !errors.Is(err, tc.want) || id != 0 {
				t.Fatalf("Verify = %d, %v; want 0, %v", id, err, tc.want)
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
	token := s.Token(PurposeUnsubscribe, 1, time.Time{})
	secret[0] = 'x'
	if _, err := s.Verify(PurposeUnsubscribe, token, now); err != nil {
		t.Fatalf("changing the caller's slice broke the signer: %v", err)
	}
}
