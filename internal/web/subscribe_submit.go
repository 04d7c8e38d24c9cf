package web

import (
	"context"
	"errors"
	"math"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/heraldhq/herald/internal/subscriber"
)

// checkYourInbox is the one answer of a successful POST /subscribe, the
// same whatever the address's state.
const checkYourInbox = "If this address can be subscribed, it will receive an email with a confirmation link."

// submitSubscribe handles POST /subscribe: the per-IP rate limit,
// honeypot, validation, then the same answer whether the address is new,
// pending, active or unsubscribed, and whether or not its confirmation
// emails are limited (a limit keyed on the address must not lock its owner
// out, nor tell anyone about the address).
func (s *Server) submitSubscribe(w http.ResponseWriter, r *http.Request) {
	c, now, asJSON := s.cfg.Load(), s.now(), wantsJSON(r)
	if ok, wait := c.ipLimit.Allow(clientKey(r, c.TrustedProxyHeader, c.TrustedProxyHops), now); !ok {
		s.refuseSubscribe(w, r, asJSON, http.StatusTooManyRequests, outcomeLimitedIP, errTooMany.message, wait, nil)
		return
	}
	in, err := readSubscribe(r)
	if err != nil {
		status, ue := http.StatusBadRequest, errNoFormFields
		if errors.Is(err, errFormTooLarge) {
			status, ue = http.StatusRequestEntityTooLarge, errTooLarge
		}
		s.log.Info("Subscribe refused", "err", err)
		s.refuseSubscribe(w, r, asJSON, status, outcomeInvalid, ue.message, 0, nil)
		return
	}
	if in.Honeypot != "" {
		s.metrics.subscribe.WithLabelValues(outcomeHoneypot).Inc()
		s.answerSubscribe(w, r, asJSON)
		return
	}
	typed := in
	if err := in.validate(); err != nil {
		s.refuseSubscribe(w, r, asJSON, http.StatusBadRequest, outcomeInvalid, "Please check the form: "+err.Error()+".", 0, &typed)
		return
	}
	if err := s.subscribe(r.Context(), in, now); err != nil {
		s.log.Error("Subscribe failed", "err", err)
		s.refuseSubscribe(w, r, asJSON, http.StatusInternalServerError, "error", errInternal.message, 0, &typed)
		return
	}
	s.metrics.subscribe.WithLabelValues(outcomeAccepted).Inc()
	s.answerSubscribe(w, r, asJSON)
}

// subscribe stores in and queues a confirmation when the address needs one:
// new, unsubscribed (made pending again) or pending with no confirmation
// sent within ResendInterval. Active subscribers get nothing.
func (s *Server) subscribe(ctx context.Context, in subscribeInput, now time.Time) error {
	sub := subscriber.Subscriber{Email: in.Email, EmailKey: in.emailKey, Name: in.Name,
		Status: subscriber.Pending, Topics: in.Topics, Source: subscriber.SourceForm}
	created, err := s.store.CreateSubscriber(ctx, &sub, now)
	switch {
	case err != nil:
		return err
	case created:
	case sub.Status == subscriber.Active:
		return nil
	case sub.Status == subscriber.Pending:
		if now.Sub(sub.ConfirmSentAt) < s.cfg.Load().ResendInterval {
			return nil
		}
	default: // unsubscribed or bounced: they asked again, so they confirm again
		if sub, err = s.resubscribe(ctx, sub.ID, in, now); err != nil {
			return err
		}
	}
	return s.confirmAgain(ctx, sub, now)
}

// resubscribe makes a subscriber who left pending again with the name and
// topics of their new request; they take effect only once confirmed.
func (s *Server) resubscribe(ctx context.Context, id int64, in subscribeInput, now time.Time) (subscriber.Subscriber, error) {
	if err := s.store.SetName(ctx, id, in.Name, now); err != nil {
		return subscriber.Subscriber{}, err
	}
	if err := s.store.SetTopics(ctx, id, in.Topics, now); err != nil {
		return subscriber.Subscriber{}, err
	}
	return s.store.Resubscribe(ctx, id, now)
}

// confirmAgain queues a confirmation for sub and records the request
// (for ResendInterval), unless the address had RatePerAddress
// confirmations within the hour: then nothing is queued (the confirmation
// already in their inbox still works). The daemon sends it (SendQueued):
// the request never waits for the relay, so that the answer takes the same
// time for every address.
func (s *Server) confirmAgain(ctx context.Context, sub subscriber.Subscriber, now time.Time) error {
	if ok, _ := s.cfg.Load().addrLimit.Allow(sub.EmailKey, now); !ok {
		s.metrics.emails.WithLabelValues(mailConfirm, "withheld").Inc()
		s.log.Info("Confirmation email withheld: address limit reached", "subscriber_id", sub.ID)
		return nil
	}
	if err := s.enqueue(ctx, sub.ID, mailConfirm, now); err != nil {
		return err
	}
	return s.store.MarkConfirmSent(ctx, sub.ID, now)
}

func (s *Server) answerSubscribe(w http.ResponseWriter, r *http.Request, asJSON bool) {
	if asJSON {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "message": checkYourInbox})
		return
	}
	s.render(w, r, http.StatusOK, "subscribe_done", s.data())
}

func (s *Server) refuseSubscribe(w http.ResponseWriter, r *http.Request, asJSON bool, status int,
	outcome, msg string, retry time.Duration, typed *subscribeInput) {
	s.metrics.subscribe.WithLabelValues(outcome).Inc()
	if retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
	}
	if asJSON {
		writeJSON(w, status, map[string]string{"status": "error", "message": msg})
		return
	}
	d := s.data()
	d.Heading, d.Message, d.Form = http.StatusText(status), msg, typed
	s.render(w, r, status, "error", d)
}

// wantsJSON reports whether the request body is JSON, in which case the
// answer is JSON too.
func wantsJSON(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/json"
}
