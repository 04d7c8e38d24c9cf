package mail

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// signedHeaders are the header fields covered by the signature. Those absent
// from a message are signed as absent, so they cannot be added in transit.
var signedHeaders = []string{
	"From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe",
	"List-Unsubscribe-Post", "MIME-Version", "Content-Type",
}

// DKIM signs messages for one domain and selector (relaxed/relaxed). A DKIM
// is immutable and safe for concurrent use; a nil *DKIM means "do not sign".
type DKIM struct {
	domain   string
	selector string
	key      crypto.Signer
}

// LoadDKIM reads a PEM private key (RSA or Ed25519; PKCS#1 or PKCS#8) from
// keyFile and returns a signer for domain and selector.
func LoadDKIM(domain, selector, keyFile string) (*DKIM, error) {
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("read dkim key: %w", err)
	}
	key, err := parseKey(raw)
	if err != nil {
		return nil, fmt.Errorf("dkim key %s: %w", keyFile, err)
	}
	return NewDKIM(domain, selector, key)
}

// NewDKIM returns a signer for domain and selector with an RSA or Ed25519
// private key.
func NewDKIM(domain, selector string, key crypto.Signer) (*DKIM, error) {
	if domain == "" || strings.ContainsAny(domain, " \t\r\n;=") {
		return nil, fmt.Errorf("dkim domain %q is not a domain name", domain)
	}
	if selector == "" || strings.ContainsAny(selector, " \t\r\n;=") {
		return nil, fmt.Errorf("dkim selector %q is not a selector", selector)
	}
	switch key.(type) {
	case *rsa.PrivateKey, ed25519.PrivateKey:
	default:
		return nil, fmt.Errorf("dkim key type %T is not RSA or Ed25519", key)
	}
	return &DKIM{domain: domain, selector: selector, key: key}, nil
}

// Domain returns the signing domain (the d= tag).
func (d *DKIM) Domain() string { return d.domain }

// Selector returns the selector (the s= tag).
func (d *DKIM) Selector() string { return d.selector }

// Sign returns msg (RFC 5322 bytes) with a DKIM-Signature header prepended.
func (d *DKIM) Sign(msg []byte) ([]byte, error) {
	s, err := dkim.NewSigner(&dkim.SignOptions{
		Domain:                 d.domain,
		Selector:               d.selector,
		Signer:                 d.key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             signedHeaders,
	})
	if err != nil {
		return nil, fmt.Errorf("dkim signer for %s: %w", d.domain, err)
	}
	if _, err := s.Write(msg); err != nil {
		s.Close()
		return nil, fmt.Errorf("dkim sign: %w", err)
	}
	if err := s.Close(); err != nil {
		return nil, fmt.Errorf("dkim sign: %w", err)
	}
	sig := s.Signature()
	out := bytes.NewBuffer(make([]byte, 0, len(sig)+len(msg)))
	out.WriteString(sig)
	out.Write(msg)
	return out.Bytes(), nil
}

func parseKey(raw []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKCS#1 key: %w", err)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKCS#8 key: %w", err)
		}
		signer, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("PKCS#8 key type %T cannot sign", k)
		}
		return signer, nil
	default:
		return nil, fmt.Errorf("PEM block %q is not a private key (want RSA PRIVATE KEY or PRIVATE KEY)", block.Type)
	}
}
