package web

import (
	"context"
	"net/http"
	"time"
)

// healthTimeout bounds each readiness check.
const healthTimeout = 2 * time.Second

// checkHealth answers 200 "ok" when the store answers and Options.Health
// passes (200 "degraded: why" when Options.Degraded says so), else 503 "store unavailable" or "health check failed". The body
// never carries the error: a database error names its host, user and
// database, and /healthz may be public. The log gets the error.
func (s *Server) checkHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if failed, err := s.ready(r.Context()); err != nil {
		s.log.Warn("Health check failed", "check", failed, "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(failed + "\n"))
		return
	}
	if s.degrade != nil {
		if why := s.degrade(); why != "" {
			w.Write([]byte("degraded: " + why + "\n")) // still 200: the last good feeds are served
			return
		}
	}
	w.Write([]byte("ok\n"))
}

// ready runs the checks and returns the first failure: what the body says,
// and the error for the log.
func (s *Server) ready(ctx context.Context) (failed string, err error) {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return "store unavailable", err
	}
	if s.health != nil {
		if err := s.health(); err != nil {
			return "health check failed", err
		}
	}
	return "", nil
}
