package subscriber

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"golang.org/x/net/idna"
)

// Limits from RFC 5321 section 4.5.3.1.
const (
	maxAddressLen = 254
	maxLocalLen   = 64
)

// domainProfile converts domains as a mail client looks them up (IDNA
// 2008 with UTS 46 mapping: case folding, full-width dots), refusing empty
// or over-long labels.
var domainProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.VerifyDNSLength(true))

// ErrBadEmail wraps every reason an address is refused.
var ErrBadEmail = errors.New("invalid email address")

// Normalize validates a bare address (no display name) and returns the key
// used to compare addresses: the local part lower-cased (the providers
// people use treat it case-insensitively; dots and +tags are kept, as
// they are not the same mailbox everywhere), and the domain in its ASCII
// form (IDNA 2008 A-labels, lower case), so that "jo@bücher.example" and
// "jo@XN--BCHER-KVA.example" are one subscriber.
func Normalize(email string) (string, error) {
	local, domain, err := split(email)
	if err != nil {
		return "", err
	}
	return strings.ToLower(local) + "@" + domain, nil
}

// Canonical returns the address as herald stores and sends it: the local
// part as given, the domain in its ASCII form, lower case (a relay
// without SMTPUTF8 accepts it). Errors are Normalize's.
func Canonical(email string) (string, error) {
	local, domain, err := split(email)
	if err != nil {
		return "", err
	}
	return local + "@" + domain, nil
}

// Display returns email for people to read: the domain in Unicode
// ("jo@bücher.example"). An address it cannot convert is returned as is.
func Display(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return email
	}
	domain, err := idna.Display.ToUnicode(email[at+1:])
	if err != nil {
		return email
	}
	return email[:at+1] + domain
}

// split validates email and returns its local part as given and its domain
// in ASCII, lower case.
func split(email string) (local, domain string, err error) {
	if strings.ContainsAny(email, "\r\n\x00") {
		return "", "", fmt.Errorf("%w: contains a line break", ErrBadEmail)
	}
	email = strings.TrimSpace(email)
	if email == "" {
		return "", "", fmt.Errorf("%w: empty", ErrBadEmail)
	}
	if len(email) > maxAddressLen {
		return "", "", fmt.Errorf("%w: longer than %d characters", ErrBadEmail, maxAddressLen)
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return "", "", fmt.Errorf("%w: %q is not a plain address like name@example.com", ErrBadEmail, email)
	}
	at := strings.LastIndexByte(email, '@')
	local, domain = email[:at], email[at+1:]
	if len(local) > maxLocalLen {
		return "", "", fmt.Errorf("%w: part before @ is longer than %d characters", ErrBadEmail, maxLocalLen)
	}
	if strings.HasPrefix(domain, "[") {
		return "", "", fmt.Errorf("%w: domain %q is not a public domain name", ErrBadEmail, domain)
	}
	ascii, err := domainProfile.ToASCII(domain)
	if err != nil || !strings.Contains(ascii, ".") || strings.HasSuffix(ascii, ".") {
		return "", "", fmt.Errorf("%w: domain %q is not a public domain name", ErrBadEmail, domain)
	}
	ascii = strings.ToLower(ascii)
	if len(local)+1+len(ascii) > maxAddressLen {
		return "", "", fmt.Errorf("%w: longer than %d characters with the domain in ASCII", ErrBadEmail, maxAddressLen)
	}
	return local, ascii, nil
}
