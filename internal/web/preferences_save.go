package web

import (
	"math"
	"net/http"
	"strconv"

	"github.com/heraldhq/herald/internal/subscriber"
)

// savePreferences stores the name and topics from the preferences form,
// or unsubscribes when the "leave" button was pressed.
func (s *Server) savePreferences(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.subscriberFor(w, r, subscriber.PurposePreferences)
	if !ok {
		return
	}
	if !s.readForm(w, r) {
		return
	}
	ctx, now := r.Context(), s.now()
	if left(sub) {
		s.saveLeft(w, r, sub)
		return
	}
	if r.PostForm.Get("action") == "leave" {
		if _, err := s.store.Unsubscribe(ctx, sub.ID, now); err != nil {
			s.fail(w, r, http.StatusInternalServerError, errInternal, err)
			return
		}
		s.render(w, r, http.StatusOK, "unsubscribed", s.data())
		return
	}
	in := subscribeInput{Email: sub.Email, Name: r.PostForm.Get("name"), Topics: r.PostForm["topics"]}
	if err := in.validate(); err != nil {
		s.fail(w, r, http.StatusBadRequest, userError{"Please check the form", err.Error() + "."}, nil)
		return
	}
	if err := s.store.SetName(ctx, sub.ID, in.Name, now); err != nil {
		s.fail(w, r, http.StatusInternalServerError, errInternal, err)
		return
	}
	if err := s.store.SetTopics(ctx, sub.ID, in.Topics, now); err != nil {
		s.fail(w, r, http.StatusInternalServerError, errInternal, err)
		return
	}
	sub.Name, sub.Topics = in.Name, in.Topics
	s.renderPreferences(w, r, sub, "Your preferences are saved.")
}

// saveLeft answers a preferences form posted by someone who left: the
// "Subscribe again" button starts double opt-in again (subscriber pending,
// a confirmation sent); anything else changes nothing and says so.
func (s *Server) saveLeft(w http.ResponseWriter, r *http.Request, sub subscriber.Subscriber) {
	if r.PostForm.Get("action") != "resubscribe" {
		s.renderLeft(w, r, http.StatusConflict, sub, "Nothing was saved: you are not subscribed.")
		return
	}
	c, now := s.cfg.Load(), s.now()
	if ok, wait := c.ipLimit.Allow(clientKey(r, c.TrustedProxyHeader, c.TrustedProxyHops), now); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		s.fail(w, r, http.StatusTooManyRequests, errTooMany, nil)
		return
	}
	in := subscribeInput{Email: sub.Email, emailKey: sub.EmailKey, Name: sub.Name, Topics: sub.Topics}
	if err := s.subscribe(r.Context(), in, now); err != nil {
		s.fail(w, r, http.StatusInternalServerError, errInternal, err)
		return
	}
	s.render(w, r, http.StatusOK, "subscribe_done", s.data())
}
