package subscriber

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Purpose binds a token to one use, so an unsubscribe token cannot confirm.
type Purpose byte

const (
	PurposeConfirm     Purpose = 'c'
	PurposeUnsubscribe Purpose = 'u'
	PurposePreferences Purpose = 'p'
)

var (
	// ErrBadToken means the token was forged, altered, truncated or made
	// for another purpose.
	ErrBadToken = errors.New("invalid link")
	// ErrExpiredToken means the token was genuine but its time is over.
	ErrExpiredToken = errors.New("expired link")
)

// MinSecretLen is the shortest signing secret NewSigner accepts.
const MinSecretLen = 32

// Signer makes and checks link tokens: HMAC-SHA256 over purpose,
// subscriber id, expiry and the subscriber's token key. The key is random
// and set when the subscriber is created, so a token dies with its
// subscriber: a later subscriber, even one given the same id, has another
// key. A Signer is safe for concurrent use.
type Signer struct{ secret []byte }

// NewSigner returns a Signer for secret, which must be at least
// MinSecretLen bytes.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("signing secret is %d bytes, need at least %d", len(secret), MinSecretLen)
	}
	return &Signer{secret: append([]byte(nil), secret...)}, nil
}

// Token layouts. A legacy token (made before token keys) is purpose, id
// and expiry; a keyed one adds the subscriber's token key. Both end with
// the HMAC.
const (
	legacyPayloadLen = 1 + 8 + 8 // purpose, id, expiry (unix seconds, 0 = never)
	payloadLen       = legacyPayloadLen + TokenKeyLen
)

// TokenKeyLen is the length in bytes of a subscriber's token key.
const TokenKeyLen = 16

// NewTokenKey returns a fresh random token key, as Subscriber.TokenKey
// holds it (hex).
func NewTokenKey() string {
	var b [TokenKeyLen]byte
	rand.Read(b[:]) // never fails
	return hex.EncodeToString(b[:])
}

// Claims is what a genuine token says.
type Claims struct {
	ID  int64
	Key string // the token key, hex; empty in a legacy token
}

// Matches reports whether the claims may act for sub: the token carries
// sub's token key, or it is a legacy token and sub was created before
// token keys existed (Subscriber.LegacyTokens).
func (c Claims) Matches(sub Subscriber) bool {
	if c.ID != sub.ID {
		return false
	}
	if c.Key == "" {
		return sub.LegacyTokens
	}
	return subtle.ConstantTimeCompare([]byte(c.Key), []byte(sub.TokenKey)) == 1
}

// Token returns a URL-safe token for purpose p and sub (its ID and
// TokenKey) that expires at expires (zero: never).
func (s *Signer) Token(p Purpose, sub Subscriber, expires time.Time) string {
	var buf [payloadLen + sha256.Size]byte
	buf[0] = byte(p)
	binary.BigEndian.PutUint64(buf[1:9], uint64(sub.ID))
	if !expires.IsZero() {
		binary.BigEndian.PutUint64(buf[9:17], uint64(expires.Unix()))
	}
	hex.Decode(buf[legacyPayloadLen:payloadLen], []byte(sub.TokenKey)) // a malformed key matches nothing
	copy(buf[payloadLen:], s.mac(buf[:payloadLen]))
	return base64.RawURLEncoding.EncodeToString(buf[:])
}

// Verify checks token for purpose p at now and returns its claims. The
// caller must load the subscriber and check Claims.Matches. Errors:
// ErrBadToken (forged, altered, other purpose, malformed) or
// ErrExpiredToken. Legacy tokens are accepted.
func (s *Signer) Verify(p Purpose, token string, now time.Time) (Claims, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || strings.ContainsAny(token, "\r\n") { // the decoder skips line breaks
		return Claims{}, ErrBadToken
	}
	n := len(raw) - sha256.Size
	if n != payloadLen && n != legacyPayloadLen {
		return Claims{}, ErrBadToken
	}
	if !hmac.Equal(raw[n:], s.mac(raw[:n])) || Purpose(raw[0]) != p {
		return Claims{}, ErrBadToken
	}
	c := Claims{ID: int64(binary.BigEndian.Uint64(raw[1:9]))}
	if n == payloadLen {
		c.Key = hex.EncodeToString(raw[legacyPayloadLen:payloadLen])
	}
	if exp := int64(binary.BigEndian.Uint64(raw[9:17])); exp != 0 && now.Unix() >= exp {
		return Claims{}, ErrExpiredToken
	}
	return c, nil
}

func (s *Signer) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, s.secret)
	h.Write(payload)
	return h.Sum(nil)
}
