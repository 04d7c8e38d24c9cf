package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/mail"
	"time"

	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/subscriber"
)

// emailData is what the email templates receive.
type emailData struct {
	Lang           string
	Site           Site
	Name           string
	ConfirmURL     string    // confirm email
	Expires        time.Time // confirm email: when ConfirmURL stops working, in the site's zone
	PreferencesURL string    // welcome email
	UnsubscribeURL string    // welcome email
	Vacation       *Vacation // welcome email: the vacation that skips the next issue; nil when none
}

// sendConfirm emails sub a confirmation link valid for ConfirmTTL from now.
func (s *Server) sendConfirm(ctx context.Context, sub subscriber.Subscriber, now time.Time) error {
	c := s.cfg.Load()
	expires := now.Add(c.ConfirmTTL)
	d := emailData{Lang: c.Site.Language, Site: c.Site, Name: sub.Name, Expires: expires.In(c.Site.Location),
		ConfirmURL: subscriber.ConfirmURL(c.PublicURL, s.signer, sub, expires)}
	return s.sendEmail(ctx, c, "confirm", sub, d, nil, now)
}

// sendWelcome emails a newly confirmed sub their preferences and
// unsubscribe links, with the unsubscribe headers (one-click over https).
func (s *Server) sendWelcome(ctx context.Context, sub subscriber.Subscriber, now time.Time) error {
	c := s.cfg.Load()
	unsub := subscriber.UnsubscribeURL(c.PublicURL, s.signer, sub)
	d := emailData{Lang: c.Site.Language, Site: c.Site, Name: sub.Name, UnsubscribeURL: unsub,
		PreferencesURL: subscriber.PreferencesURL(c.PublicURL, s.signer, sub)}
	if c.Vacation != nil {
		d.Vacation = c.Vacation(now)
	}
	return s.sendEmail(ctx, c, "welcome", sub, d, heraldmail.UnsubscribeHeaders(unsub), now)
}

func (s *Server) sendEmail(ctx context.Context, c *settings, kind string, sub subscriber.Subscriber,
	d emailData, headers []heraldmail.Header, now time.Time) error {
	subject, text, html, err := c.views.email(kind, d)
	if err == nil {
		m := &heraldmail.Message{From: c.From, To: mail.Address{Name: sub.Name, Address: sub.Email},
			ReplyTo: c.ReplyTo, Subject: subject, Text: text, HTML: html, MessageID: newMessageID(c.From.Address),
			Date: now, Headers: append(headers, heraldmail.AutoSubmitted)}
		err = c.Mailer.Send(ctx, m)
	}
	if err != nil {
		s.metrics.emails.WithLabelValues(kind, "failed").Inc()
		return fmt.Errorf("send %s email to subscriber %d: %w", kind, sub.ID, err)
	}
	s.metrics.emails.WithLabelValues(kind, "sent").Inc()
	return nil
}

// newMessageID returns a random Message-ID on the domain of from.
func newMessageID(from string) string {
	var b [16]byte
	rand.Read(b[:]) // never fails
	_, domain, _ := splitAddress(from)
	return "web." + hex.EncodeToString(b[:]) + "@" + domain
}

// SendConfirmation emails sub their confirmation link, as the form does,
// and records when; `herald subscribers add` uses it.
func (s *Server) SendConfirmation(ctx context.Context, sub subscriber.Subscriber) error {
	now := s.now()
	if err := s.sendConfirm(ctx, sub, now); err != nil {
		return err
	}
	return s.store.MarkConfirmSent(ctx, sub.ID, now)
}
