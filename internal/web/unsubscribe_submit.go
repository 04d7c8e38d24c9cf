package web

import (
	"net/http"

	"github.com/heraldhq/herald/internal/subscriber"
)

// submitUnsubscribe handles both the page's button and the RFC 8058
// one-click POST (body "List-Unsubscribe=One-Click"), which gets a short
// plain-text answer instead of a page.
func (s *Server) submitUnsubscribe(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.subscriberFor(w, r, subscriber.PurposeUnsubscribe)
	if !ok {
		return
	}
	if !s.readForm(w, r) {
		return
	}
	already := sub.Status == subscriber.Unsubscribed
	if !already {
		if _, err := s.store.Unsubscribe(r.Context(), sub.ID, s.now()); err != nil {
			s.fail(w, r, http.StatusInternalServerError, errInternal, err)
			return
		}
	}
	if r.PostForm.Get("List-Unsubscribe") == "One-Click" {
		s.answerOneClick(w)
		return
	}
	d := s.data()
	if already {
		d.Heading = "This address is already unsubscribed"
	}
	s.render(w, r, http.StatusOK, "unsubscribed", d)
}
