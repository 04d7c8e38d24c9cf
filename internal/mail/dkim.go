package mail

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// signedHeaders are the header fields covered by the signature. Those absent
// from a message are signed as absent, so they cannot be added in transit.
// The fields a receiver shows or acts on are named twice (oversigned): the
// second name covers a copy prepended in transit, which would otherwise be
// the one a mail client shows above a still valid signature.
var signedHeaders = []string{
	"From", "From", "To", "Subject", "Subject", "Date", "Message-ID",
	"Reply-To", "Reply-To", "List-Id", "List-Id",
	"List-Unsubscribe", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Unsubscribe-Post",
	"Auto-Submitted", // on confirmation and welcome mails: autoresponders must not answer them
	"MIME-Version", "Content-Type",
}

// DKIM signs messages for one domain (relaxed/relaxed), with one key or
// several (an RSA key and an Ed25519 key give two signatures, RFC 8463). A
// DKIM is immutable and safe for concurrent use; a nil *DKIM means "do not
// sign".
type DKIM struct {
	domain string
	keys   []dkimKey
}

type dkimKey struct {
	selector string
	key      crypto.Signer
}

// NewDKIM returns a signer for domain and selector with an RSA or Ed25519
// private key.
func NewDKIM(domain, selector string, key crypto.Signer) (*DKIM, error) {
	if domain == "" || strings.ContainsAny(domain, " \t\r\n;=") {
		return nil, fmt.Errorf("dkim domain %q is not a domain name", domain)
	}
	return (&DKIM{domain: domain}).WithKey(selector, key)
}

// WithKey returns a copy of d that also signs with key under selector: one
// more DKIM-Signature per message. The selector must differ from d's.
func (d *DKIM) WithKey(selector string, key crypto.Signer) (*DKIM, error) {
	if selector == "" || strings.ContainsAny(selector, " \t\r\n;=") {
		return nil, fmt.Errorf("dkim selector %q is not a selector", selector)
	}
	switch key.(type) {
	case *rsa.PrivateKey, ed25519.PrivateKey:
	default:
		return nil, fmt.Errorf("dkim key type %T is not RSA or Ed25519", key)
	}
	for _, k := range d.keys {
		if k.selector == selector {
			return nil, fmt.Errorf("dkim selector %q is used twice: each key needs its own", selector)
		}
	}
	keys := append(append([]dkimKey(nil), d.keys...), dkimKey{selector: selector, key: key})
	return &DKIM{domain: d.domain, keys: keys}, nil
}

// Domain returns the signing domain (the d= tag).
func (d *DKIM) Domain() string { return d.domain }

// Selector returns the selector (the s= tag) of the first key.
func (d *DKIM) Selector() string { return d.keys[0].selector }

// Sign returns msg (RFC 5322 bytes) with a DKIM-Signature header prepended
// for each key, the first key's on top.
func (d *DKIM) Sign(msg []byte) ([]byte, error) {
	sigs := make([]string, len(d.keys))
	size := len(msg)
	for i, k := range d.keys {
		sig, err := d.signature(msg, k)
		if err != nil {
			return nil, err
		}
		sigs[i] = sig
		size += len(sig)
	}
	out := bytes.NewBuffer(make([]byte, 0, size))
	for _, sig := range sigs {
		out.WriteString(sig)
	}
	out.Write(msg)
	return out.Bytes(), nil
}

// signature returns the DKIM-Signature header field of msg with k.
func (d *DKIM) signature(msg []byte, k dkimKey) (string, error) {
	s, err := dkim.NewSigner(&dkim.SignOptions{
		Domain:                 d.domain,
		Selector:               k.selector,
		Signer:                 k.key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             signedHeaders,
	})
	if err != nil {
		return "", fmt.Errorf("dkim signer for %s: %w", d.domain, err)
	}
	if _, err := s.Write(msg); err != nil {
		s.Close()
		return "", fmt.Errorf("dkim sign: %w", err)
	}
	if err := s.Close(); err != nil {
		return "", fmt.Errorf("dkim sign: %w", err)
	}
	return s.Signature(), nil
}

// Record is the DNS TXT record that publishes one signing key.
type Record struct {
	Name  string // <selector>._domainkey.<domain>
	Value string // v=DKIM1; k=rsa|ed25519; p=<base64 public key>
}

// Records returns the TXT record of each key, in signing order.
func (d *DKIM) Records() ([]Record, error) {
	out := make([]Record, 0, len(d.keys))
	for _, k := range d.keys {
		v, err := txtValue(k.key.Public())
		if err != nil {
			return nil, err
		}
		out = append(out, Record{Name: k.selector + "._domainkey." + d.domain, Value: v})
	}
	return out, nil
}

// txtValue is the DKIM key record of pub: the SubjectPublicKeyInfo for
// RSA (what openssl prints and every verifier reads), the raw 32 bytes for
// Ed25519 (RFC 8463).
func txtValue(pub crypto.PublicKey) (string, error) {
	switch pub := pub.(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return "", fmt.Errorf("dkim public key: %w", err)
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der), nil
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub), nil
	}
	return "", fmt.Errorf("dkim public key type %T is not RSA or Ed25519", pub)
}
