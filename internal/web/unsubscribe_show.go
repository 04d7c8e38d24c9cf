package web

import (
	"net/http"

	"github.com/heraldhq/herald/internal/subscriber"
)

// showUnsubscribe renders the page with the unsubscribe button; it
// changes nothing.
func (s *Server) showUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.subscriberFor(w, r, subscriber.PurposeUnsubscribe); !ok {
		return
	}
	d := s.data()
	d.Action = s.action(r)
	s.render(w, r, http.StatusOK, "unsubscribe", d)
}
