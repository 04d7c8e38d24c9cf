package mail

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ParseSMTPURL reads a relay URL into an SMTPConfig:
//
//	smtp://[user[:password]@]host[:port][?tls=starttls|opportunistic|none]
//	smtps://[user[:password]@]host[:port]
//
// smtp:// uses port 587 and opportunistic STARTTLS by default; smtps://
// uses port 465 and implicit TLS. Other query parameters: auth
// (plain, login, cram-md5, none), connections, rate, timeout (a Go
// duration), helo. Errors never contain the password.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return SMTPConfig{}, fmt.Errorf("parse smtp url: %w", err)
	}
	cfg, err := fromURL(u)
	if err != nil {
		return SMTPConfig{}, fmt.Errorf("smtp url %s: %w", u.Redacted(), err)
	}
	return cfg, nil
}

func fromURL(u *url.URL) (SMTPConfig, error) {
	var cfg SMTPConfig
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		cfg.Port, cfg.TLS = 587, TLSOpportunistic
	case "smtps":
		cfg.Port, cfg.TLS = 465, TLSImplicit
	default:
		return cfg, fmt.Errorf("scheme %q is not smtp or smtps", u.Scheme)
	}
	cfg.Host = u.Hostname()
	if cfg.Host == "" || (u.Path != "" && u.Path != "/") || u.Opaque != "" {
		return cfg, errors.New("want scheme://host[:port] with no path")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return cfg, fmt.Errorf("port %q is not a number in 1-65535", p)
		}
		cfg.Port = n
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	if err := applyQuery(&cfg, u.Query()); err != nil {
		return cfg, err
	}
	_, err := cfg.withDefaults()
	return cfg, err
}

func applyQuery(cfg *SMTPConfig, q url.Values) error {
	for key, vals := range q {
		v := vals[len(vals)-1]
		if err := applyParam(cfg, key, v); err != nil {
			return err
		}
	}
	return nil
}

func applyParam(cfg *SMTPConfig, key, v string) error {
	var err error
	switch key {
	case "tls":
		if cfg.TLS == TLSImplicit {
			return fmt.Errorf("tls=%s: smtps:// is always implicit TLS", v)
		}
		cfg.TLS = strings.ToLower(v)
	case "auth":
		cfg.Auth = strings.ToLower(v)
	case "helo":
		cfg.HELO = v
	case "connections":
		cfg.Connections, err = strconv.Atoi(v)
	case "rate":
		cfg.Rate, err = strconv.ParseFloat(v, 64)
	case "timeout":
		cfg.Timeout, err = time.ParseDuration(v)
	default:
		return fmt.Errorf("unknown parameter %q (want tls, auth, helo, connections, rate or timeout)", key)
	}
	if err != nil {
		return fmt.Errorf("parameter %s=%q: %w", key, v, err)
	}
	return nil
}
