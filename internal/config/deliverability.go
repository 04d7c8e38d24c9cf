package config

import (
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Advice is a deliverability warning: a setting that loads but makes mail
// less trusted by receivers. Key is the key to change; Source where its
// value came from ("FILE:LINE", "env NAME" or "default").
type Advice struct {
	Key    string
	Source string
	Msg    string
}

func (a Advice) String() string {
	if a.Source == "" || a.Source == "default" {
		return a.Key + " (not set): " + a.Msg
	}
	return a.Source + ": " + a.Key + ": " + a.Msg
}

// Deliverability returns what in c makes mail less trusted by the large
// receivers (Gmail, Yahoo, Outlook and their 2024 sender rules), each with
// the key to change: an http public_url with the newsletter on, no DKIM
// with a real relay, a dkim.domain not aligned with the From domain, an
// Ed25519 key alone, a short RSA key. Empty when there is nothing to say.
func (c *Config) Deliverability() []Advice {
	var out []Advice
	add := func(key, msg string) { out = append(out, Advice{Key: key, Source: c.Source(key), Msg: msg}) }
	if u, err := url.Parse(c.Server.PublicURL); err == nil && c.Newsletter.Enabled && u.Scheme == "http" {
		add("server.public_url", "http with the newsletter on: one-click unsubscribe (RFC 8058) needs https, "+
			"so herald leaves List-Unsubscribe-Post out and Gmail and Yahoo see no one-click unsubscribe; "+
			"serve herald over https and set an https:// URL")
	}
	if c.DKIM.Key == nil && c.SMTP.Host != "" && !isLocalHost(c.SMTP.Host) {
		add("dkim.key_file", fmt.Sprintf("no DKIM key while mail goes through %s: unless that relay signs with "+
			"the From domain (look for DKIM-Signature: ... d=%s in a mail received), receivers treat the mail as "+
			"unsigned and DMARC fails; set [dkim] domain, selector and key_file", c.SMTP.Host, c.FromDomain()))
	}
	if c.DKIM.Key != nil {
		if msg := alignment(c.DKIM.Domain, c.FromDomain()); msg != "" {
			add("dkim.domain", msg)
		}
		out = append(out, c.keyAdvice()...)
	}
	return out
}

// keyAdvice warns about an Ed25519 key alone and a short RSA key.
func (c *Config) keyAdvice() []Advice {
	var out []Advice
	switch k := c.DKIM.Key.(type) {
	case ed25519.PrivateKey:
		if c.DKIM.Ed25519Key == nil {
			out = append(out, Advice{Key: "dkim.key_file", Source: c.Source("dkim.key_file"),
				Msg: "an Ed25519 key alone: Gmail, Yahoo and Outlook do not verify ed25519-sha256 signatures, so they " +
					"see the mail as unsigned; put an RSA key (2048 bits) in key_file and this one in ed25519_key_file"})
		}
	case *rsa.PrivateKey:
		if bits := k.N.BitLen(); bits < 2048 {
			out = append(out, Advice{Key: "dkim.key_file", Source: c.Source("dkim.key_file"),
				Msg: fmt.Sprintf("an RSA key of %d bits: receivers expect 2048 (some refuse 1024 and below); make a new key", bits)})
		}
	}
	return out
}

// FromDomain is the domain of the sender of every mail: smtp.from, else
// the host of site.base_url (herald's default sender).
func (c *Config) FromDomain() string {
	if at := strings.LastIndexByte(c.SMTP.From, '@'); at >= 0 {
		return strings.ToLower(c.SMTP.From[at+1:])
	}
	if u, err := url.Parse(c.Site.BaseURL); err == nil {
		return strings.ToLower(u.Hostname())
	}
	return ""
}

// alignment explains why a DKIM signature of dkimDomain does not align
// with fromDomain under DMARC's relaxed mode (RFC 7489 section 3.1.1: the
// same organisational domain), or returns "" when it does.
func alignment(dkimDomain, fromDomain string) string {
	d, f := strings.ToLower(strings.TrimSuffix(dkimDomain, ".")), strings.ToLower(fromDomain)
	if d == "" || f == "" || d == f {
		return ""
	}
	od, errD := publicsuffix.EffectiveTLDPlusOne(d)
	of, errF := publicsuffix.EffectiveTLDPlusOne(f)
	if errD == nil && errF == nil && od == of {
		return ""
	}
	return fmt.Sprintf("%q is not aligned with the From domain %s: DMARC needs the signing domain to share "+
		"the From domain's organisational domain (%s); sign with d=%s (or %s) and publish the key there",
		dkimDomain, fromDomain, orDomain(of, f), f, orDomain(of, f))
}

func orDomain(org, domain string) string {
	if org == "" {
		return domain
	}
	return org
}

// isLocalHost reports a relay on this machine (a test server such as
// Mailpit, or a local MTA that relays on).
func isLocalHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
