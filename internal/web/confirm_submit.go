package web

import (
	"net/http"

	"github.com/heraldhq/herald/internal/subscriber"
)

// submitConfirm activates a pending subscriber and, when Welcome is set,
// queues the welcome email once. Confirming again is harmless; a subscriber
// who left since gets the "no longer valid" page and stays out.
func (s *Server) submitConfirm(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.subscriberFor(w, r, subscriber.PurposeConfirm)
	if !ok {
		return
	}
	now := s.now()
	after, err := s.store.Confirm(r.Context(), sub.ID, now)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, errInternal, err)
		return
	}
	if after.Status != subscriber.Active {
		s.fail(w, r, http.StatusGone, errGoneLink, nil)
		return
	}
	if sub.Status == subscriber.Pending && s.cfg.Load().Welcome {
		if err := s.enqueue(r.Context(), sub.ID, mailWelcome, now); err != nil {
			s.log.Error("Welcome email not queued", "subscriber_id", sub.ID, "err", err)
		}
	}
	s.render(w, r, http.StatusOK, "confirmed", s.data())
}
