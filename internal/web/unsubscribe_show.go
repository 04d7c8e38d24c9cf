package web

import (
	"net/http"

	"github.com/heraldhq/herald/internal/subscriber"
)

// showUnsubscribe renders the page with the unsubscribe button, or says
// that the address is already unsubscribed; it changes nothing.
func (s *Server) showUnsubscribe(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.subscriberFor(w, r, subscriber.PurposeUnsubscribe)
	if !ok {
		return
	}
	d := s.data()
	if sub.Status == subscriber.Unsubscribed {
		d.Heading = "This address is already unsubscribed"
		s.render(w, r, http.StatusOK, "unsubscribed", d)
		return
	}
	d.Action = s.action(r)
	s.render(w, r, http.StatusOK, "unsubscribe", d)
}
