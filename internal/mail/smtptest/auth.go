package smtptest

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/emersion/go-smtp"
)

// loginServer is the server side of AUTH LOGIN: ask for the user name, then
// the password (an initial response counts as the user name).
type loginServer struct {
	check func(user, pass string) error
	user  string
	step  int
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step = 1
		if response == nil {
			return []byte("Username:"), false, nil
		}
		fallthrough
	case 1:
		l.user, l.step = string(response), 2
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(response))
	}
}

// cramServer is the server side of AUTH CRAM-MD5 (RFC 2195): send a
// challenge, expect "user hex(hmac-md5(password, challenge))".
type cramServer struct {
	user, pass string
	challenge  []byte
	ok         func()
}

func newCRAMServer(user, pass string, ok func()) *cramServer {
	return &cramServer{user: user, pass: pass, ok: ok}
}

func (c *cramServer) Next(response []byte) ([]byte, bool, error) {
	if c.challenge == nil {
		c.challenge = fmt.Appendf(nil, "<%s@smtptest.localhost>", rand.Text())
		return c.challenge, false, nil
	}
	user, digest, found := strings.Cut(string(response), " ")
	mac := hmac.New(md5.New, []byte(c.pass))
	mac.Write(c.challenge)
	want := hex.EncodeToString(mac.Sum(nil))
	if !found || user != c.user || !hmac.Equal([]byte(digest), []byte(want)) {
		return nil, true, smtp.ErrAuthFailed
	}
	c.ok()
	return nil, true, nil
}
