package web

import (
	"net/http"

	"github.com/heraldhq/herald/internal/subscriber"
)

// showConfirm renders the page with the confirm button. It changes
// nothing: link scanners fetch it without subscribing anyone.
func (s *Server) showConfirm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.subscriberFor(w, r, subscriber.PurposeConfirm); !ok {
		return
	}
	d := s.data()
	d.Action = s.action(r)
	s.render(w, r, http.StatusOK, "confirm", d)
}
