package subscriber

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
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

// Signer makes and checks link tokens: HMAC-SHA256 over purpose, subscriber
// id and expiry. A Signer is safe for concurrent use.
type Signer struct{ secret []byte }

// NewSigner returns a Signer for secret, which must be at least
// MinSecretLen bytes.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("signing secret is %d bytes, need at least %d", len(secret), MinSecretLen)
	}
	return &Signer{secret: append([]byte(nil), secret...)}, nil
}

const payloadLen = 1 + 8 + 8 // purpose, id, expiry (unix seconds, 0 = never)

// Token returns a URL-safe token for subscriber id and purpose p. A zero
// expires makes a token that does not expire (unsubscribe, preferences).
func (s *Signer) Token(p Purpose, id int64, expires time.Time) string {
	var buf [payloadLen + sha256.Size]byte
	buf[0] = byte(p)
	binary.BigEndian.PutUint64(buf[1:9], uint64(id))
	if !expires.IsZero() {
		binary.BigEndian.PutUint64(buf[9:17], uint64(expires.Unix()))
	}
	copy(buf[payloadLen:], s.mac(buf[:payloadLen]))
	return base64.RawURLEncoding.EncodeToString(buf[:])
}

// Verify checks token for purpose p at now and returns the subscriber id.
func (s *Signer) Verify(p Purpose, token string, now time.Time) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != payloadLen+sha256.Size {
		return 0, ErrBadToken
	}
	if !hmac.Equal(raw[payloadLen:], s.mac(raw[:payloadLen])) || Purpose(raw[0]) != p {
		return 0, ErrBadToken
	}
	id := int64(binary.BigEndian.Uint64(raw[1:9]))
	if exp := int64(binary.BigEndian.Uint64(raw[9:17])); exp != 0 && now.Unix() >= exp {
		return 0, ErrExpiredToken
	}
	return id, nil
}

func (s *Signer) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, s.secret)
	h.Write(payload)
	return h.Sum(nil)
}
