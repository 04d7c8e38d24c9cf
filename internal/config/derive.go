package config

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/heraldhq/herald/templates"
)

// resolvePaths makes every path key absolute against the file's folder.
func (l *loader) resolvePaths() {
	for _, f := range fields() {
		if f.kind != kPath || f.ptr == nil {
			continue
		}
		p := f.ptr(l.cfg).(*string)
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(l.dir, *p)
		}
	}
}

// derive fills the defaults that depend on other keys.
func (l *loader) derive() {
	c := l.cfg
	if c.Feeds.OutputDir == "" {
		c.Feeds.OutputDir = filepath.Join(c.DataDir, "feeds")
	}
	l.deriveDSN()
	if c.Server.PublicURL == "" {
		c.Server.PublicURL = "http://" + browsable(c.Server.Listen)
	}
	c.Server.PublicURL = strings.TrimSuffix(c.Server.PublicURL, "/")
	c.Site.BaseURL = strings.TrimSuffix(c.Site.BaseURL, "/")
	if c.Newsletter.TimeZone == "" {
		c.Newsletter.TimeZone = c.Site.TimeZone
	}
	if u, err := url.Parse(c.Site.BaseURL); err == nil && c.Newsletter.ListID == "" {
		c.Newsletter.ListID = u.Hostname()
	}
	l.deriveSMTP()
}

func (l *loader) deriveDSN() {
	s := &l.cfg.Store
	switch {
	case s.Driver == "sqlite" && s.DSN == "":
		s.DSN = filepath.Join(l.cfg.DataDir, "herald.db")
	case s.Driver == "sqlite" && isSQLitePath(s.DSN) && !filepath.IsAbs(s.DSN):
		s.DSN = filepath.Join(l.dir, s.DSN)
	case s.Driver == "postgres" && s.DSN == "" && l.dbURL != "":
		s.DSN = l.dbURL
		l.sources["store.dsn"] = "env DATABASE_URL"
	}
}

// isSQLitePath reports whether dsn is a plain file path (not a file: URI
// or an in-memory database).
func isSQLitePath(dsn string) bool {
	return !strings.HasPrefix(dsn, "file:") && !strings.HasPrefix(dsn, ":memory:")
}

// browsable turns a listen address into a host:port a browser can open.
func browsable(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// deriveSMTP applies smtp.url and the defaults of tls, auth, port and outbox.
func (l *loader) deriveSMTP() {
	s := &l.cfg.SMTP
	if s.URL != "" {
		l.applySMTPURL()
	}
	if s.TLS == "" {
		s.TLS = "starttls"
	}
	if s.Auth == "" {
		s.Auth = "none"
		if s.Username != "" {
			s.Auth = "plain"
		}
	}
	if s.Port == 0 {
		s.Port = map[string]int{"implicit": 465, "starttls": 587}[s.TLS]
		if s.Port == 0 {
			s.Port = 25
		}
	}
	if s.Host == "" {
		s.OutboxDir = filepath.Join(l.cfg.DataDir, "outbox")
	}
}

// applySMTPURL fills the relay fields from smtp.url; setting one of them
// beside the URL is an error, except the password when the URL has none.
func (l *loader) applySMTPURL() {
	s := &l.cfg.SMTP
	for _, k := range []string{"host", "port", "tls", "auth", "username"} {
		if l.isSet("smtp." + k) {
			l.fail("smtp."+k, "cannot be set together with smtp.url (put it in the URL)")
		}
	}
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		l.fail("smtp.url", fmt.Sprintf("want smtp://host[:port] or smtps://host[:port], got %q", maskURL(s.URL)))
		return
	}
	s.Host = u.Hostname()
	if p := u.Port(); p != "" {
		s.Port, _ = strconv.Atoi(p)
	}
	s.TLS = map[string]string{"smtps": "implicit", "smtp": "starttls"}[u.Scheme]
	q := u.Query()
	if v := q.Get("tls"); v != "" {
		s.TLS = v
	}
	s.Auth = q.Get("auth")
	for _, k := range []string{"host", "port", "tls", "auth"} {
		l.sources["smtp."+k] = l.source("smtp.url")
	}
	for k := range q {
		if k != "tls" && k != "auth" {
			l.fail("smtp.url", fmt.Sprintf("unknown URL parameter %q (want tls or auth)", k))
		}
	}
	l.applyURLUser(u)
}

func (l *loader) applyURLUser(u *url.URL) {
	if u.User == nil {
		return
	}
	s := &l.cfg.SMTP
	s.Username = u.User.Username()
	l.sources["smtp.username"] = l.source("smtp.url")
	if pw, ok := u.User.Password(); ok {
		if l.isSet("smtp.password") || l.isSet("smtp.password_file") {
			l.fail("smtp.password", "the password is also in smtp.url: keep one")
		}
		s.Password = pw
		l.sources["smtp.password"] = l.source("smtp.url")
	}
}

// readFiles checks the templates folder and reads the secret, password
// and DKIM key files.
func (l *loader) readFiles() {
	c := l.cfg
	if c.TemplatesDir != "" {
		if st, err := os.Stat(c.TemplatesDir); err != nil || !st.IsDir() {
			l.fail("templates_dir", fmt.Sprintf("not a folder: %s", c.TemplatesDir))
		} else if c.Templates, err = templates.Read(c.TemplatesDir); err != nil {
			l.fail("templates_dir", fmt.Sprintf("cannot read the templates: %v", err))
		}
	}
	if c.Subscribers.SecretFile != "" {
		c.Subscribers.Secret = l.readSecret("subscribers.secret_file", "subscribers.secret", c.Subscribers.Secret, c.Subscribers.SecretFile)
	}
	if c.SMTP.PasswordFile != "" {
		c.SMTP.Password = l.readSecret("smtp.password_file", "smtp.password", c.SMTP.Password, c.SMTP.PasswordFile)
	}
	if c.DKIM.KeyFile != "" {
		key, err := readKey(c.DKIM.KeyFile)
		if err != nil {
			l.fail("dkim.key_file", err.Error())
		}
		c.DKIM.Key = key
	}
	if c.DKIM.Ed25519KeyFile != "" {
		key, err := readKey(c.DKIM.Ed25519KeyFile)
		if err != nil {
			l.fail("dkim.ed25519_key_file", err.Error())
		}
		c.DKIM.Ed25519Key = key
	}
}

// readSecret returns the trimmed content of path, the file named by key.
func (l *loader) readSecret(key, other, current, path string) string {
	if current != "" {
		l.fail(key, fmt.Sprintf("cannot be set together with %s: keep one", other))
		return current
	}
	b, err := os.ReadFile(path)
	if err != nil {
		l.fail(key, fmt.Sprintf("read secret: %v", err))
		return ""
	}
	s := strings.TrimSpace(string(b))
	l.sources[other] = l.source(key) + " (" + key + ")"
	if s == "" {
		l.fail(key, fmt.Sprintf("file is empty: %s", path))
	}
	return s
}

// readKey parses a PEM private key (PKCS#1 RSA or PKCS#8 RSA/Ed25519):
// herald's one PEM reader.
func readKey(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("no PEM block in %s", path)
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse private key %s: %w", path, err)
	}
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("key in %s is a %T: DKIM signs with RSA or Ed25519 keys", path, k)
}
