package web

import (
	"fmt"
	"net/http"
)

// checkOrigin refuses cross-origin browser posts unless they come from
// PublicURL or one of Options.FormOrigins (see http.CrossOriginProtection:
// Sec-Fetch-Site, then Origin against Host). Requests from non-browsers,
// which send neither header, pass.
func (s *Server) checkOrigin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.cfg.Load().origins.Handler(next).ServeHTTP(w, r)
	}
}

func (s *Server) denyOrigin(w http.ResponseWriter, r *http.Request) {
	s.metrics.subscribe.WithLabelValues("forbidden_origin").Inc()
	s.fail(w, r, http.StatusForbidden, errForbidden,
		fmt.Errorf("check origin: %q not allowed (sec-fetch-site %q)", r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site")))
}
