package web

import (
	"errors"
	"net/http"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// subscriberFor checks the {token} of r for purpose p and loads its
// subscriber. On failure it has answered (400 forged or altered, 410
// expired, or gone: the subscriber was removed, or the token was made for
// another subscriber who had the id; 500 store error) and ok is false.
func (s *Server) subscriberFor(w http.ResponseWriter, r *http.Request, p subscriber.Purpose) (sub subscriber.Subscriber, ok bool) {
	claims, err := s.signer.Verify(p, r.PathValue("token"), s.now())
	switch {
	case errors.Is(err, subscriber.ErrExpiredToken):
		s.fail(w, r, http.StatusGone, errExpiredLink, nil)
		return sub, false
	case err != nil:
		s.fail(w, r, http.StatusBadRequest, errBadLink, nil)
		return sub, false
	}
	sub, err = s.store.Subscriber(r.Context(), claims.ID)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !claims.Matches(sub)):
		s.fail(w, r, http.StatusGone, errGoneLink, nil)
		return subscriber.Subscriber{}, false
	case err != nil:
		s.fail(w, r, http.StatusInternalServerError, errInternal, err)
		return sub, false
	}
	return sub, true
}

// action is the URL a page's form posts to: the page's own path.
func (s *Server) action(r *http.Request) string {
	return s.cfg.Load().base + r.URL.EscapedPath()
}
