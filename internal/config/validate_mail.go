package config

import (
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
)

func (l *loader) validateSMTP() {
	s := l.cfg.SMTP
	if s.URL != "" && l.isSet("smtp.host") {
		return // reported by applySMTPURL
	}
	l.oneOf("smtp.tls", s.TLS, "implicit", "starttls", "opportunistic", "none")
	l.oneOf("smtp.auth", s.Auth, "plain", "login", "cram-md5", "none")
	if s.Auth != "none" && (s.Username == "" || s.Password == "") {
		l.fail(l.smtpKey("auth"), fmt.Sprintf("auth %q needs smtp.username and smtp.password", s.Auth))
	}
	if s.Port < 1 || s.Port > 65535 {
		l.fail(l.smtpKey("port"), fmt.Sprintf("want a port from 1 to 65535, got %d", s.Port))
	}
	for _, k := range []string{"from", "reply_to"} {
		if v := *l.byKey["smtp."+k].ptr(l.cfg).(*string); v != "" {
			l.address("smtp."+k, v)
		}
	}
	l.atLeast("smtp.connections", s.Connections, 1)
	if s.Rate < 0 {
		l.fail("smtp.rate", fmt.Sprintf("want 0 (unlimited) or more, got %v", s.Rate))
	}
	for dom, r := range s.DomainRates {
		if r <= 0 || dom == "" {
			l.fail("smtp.domain_rates", fmt.Sprintf("want a rate above zero for %q, got %v", dom, r))
		}
	}
	l.positive("smtp.timeout", s.Timeout)
	l.positive("smtp.give_up_after", s.GiveUpAfter)
}

// smtpKey names the key a relay value came from: the field, or smtp.url.
func (l *loader) smtpKey(name string) string {
	if l.cfg.SMTP.URL != "" {
		return "smtp.url"
	}
	return "smtp." + name
}

func (l *loader) validateDKIM() {
	d := l.cfg.DKIM
	if d.KeyFile == "" {
		if d.Domain != "" || d.Selector != "" {
			l.missing("dkim.key_file", "dkim", " with dkim.domain or dkim.selector")
		}
		if d.Ed25519KeyFile != "" {
			l.missing("dkim.key_file", "dkim", " with dkim.ed25519_key_file (an RSA key: Gmail, Yahoo and Outlook do not verify Ed25519 signatures)")
		}
		return
	}
	if d.Domain == "" {
		l.missing("dkim.domain", "dkim", " with dkim.key_file")
	}
	if d.Selector == "" {
		l.missing("dkim.selector", "dkim", " with dkim.key_file")
	}
	l.validateEd25519()
}

// validateEd25519 checks the second DKIM key: Ed25519, beside an RSA
// key_file, under a selector of its own.
func (l *loader) validateEd25519() {
	d := l.cfg.DKIM
	if d.Ed25519KeyFile == "" {
		if d.Ed25519Selector != "" {
			l.missing("dkim.ed25519_key_file", "dkim", " with dkim.ed25519_selector")
		}
		return
	}
	switch {
	case d.Ed25519Selector == "":
		l.missing("dkim.ed25519_selector", "dkim", " with dkim.ed25519_key_file")
	case d.Ed25519Selector == d.Selector:
		l.fail("dkim.ed25519_selector", fmt.Sprintf("the selector %q is dkim.selector's too: each key needs its own", d.Selector))
	}
	if _, ok := d.Key.(*rsa.PrivateKey); d.Key != nil && !ok {
		l.fail("dkim.key_file", "not an RSA key: with dkim.ed25519_key_file, key_file holds the RSA key")
	}
	if _, ok := d.Ed25519Key.(ed25519.PrivateKey); d.Ed25519Key != nil && !ok {
		l.fail("dkim.ed25519_key_file", fmt.Sprintf("not an Ed25519 key (%T)", d.Ed25519Key))
	}
}
