package web

import (
	"net/http"

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
