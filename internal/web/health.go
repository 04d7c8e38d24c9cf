package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// healthTimeout bounds each readiness check.
const healthTimeout = 2 * time.Second

// checkHealth answers 200 "ok" when the store answers and Options.Health
// passes, else 503 naming the failing check.
func (s *Server) checkHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.ready(r.Context()); err != nil {
		s.log.Warn("Health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "unavailable: %v\n", err)
		return
	}
	w.Write([]byte("ok\n"))
}

func (s *Server) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if s.health != nil {
		if err := s.health(); err != nil {
			return fmt.Errorf("health check: %w", err)
		}
	}
	return nil
}
