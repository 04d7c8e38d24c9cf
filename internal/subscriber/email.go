package subscriber

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// Limits from RFC 5321 section 4.5.3.1.
const (
	maxAddressLen = 254
	maxLocalLen   = 64
)

// ErrBadEmail wraps every reason an address is refused.
var ErrBadEmail = errors.New("invalid email address")

// Normalize validates a bare address (no display name) and returns the key
// used to compare addresses: the domain lower-cased, the local part
// lower-cased too (the providers people use treat it case-insensitively).
// The address as given is what the subscriber sees in their mail.
func Normalize(email string) (string, error) {
	if strings.ContainsAny(email, "\r\n\x00") {
		return "", fmt.Errorf("%w: contains a line break", ErrBadEmail)
	}
	email = strings.TrimSpace(email)
	if email == "" {
		return "", fmt.Errorf("%w: empty", ErrBadEmail)
	}
	if len(email) > maxAddressLen {
		return "", fmt.Errorf("%w: longer than %d characters", ErrBadEmail, maxAddressLen)
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return "", fmt.Errorf("%w: %q is not a plain address like name@example.com", ErrBadEmail, email)
	}
	at := strings.LastIndexByte(email, '@')
	local, domain := email[:at], email[at+1:]
	if len(local) > maxLocalLen {
		return "", fmt.Errorf("%w: part before @ is longer than %d characters", ErrBadEmail, maxLocalLen)
	}
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, "[") {
		return "", fmt.Errorf("%w: domain %q is not a public domain name", ErrBadEmail, domain)
	}
	return strings.ToLower(local) + "@" + strings.ToLower(domain), nil
}
