package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes is the table of contents of the web side: every route, by method
// and path, grouped by what it serves.
func (s *Server) routes(gather prometheus.Gatherer) *http.ServeMux {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, s.instrument(pattern, h))
	}

	// Pages.
	handle("GET /{$}", s.showHome)
	handle("GET /static/style.css", s.serveStyle)

	// Feeds (GET patterns answer HEAD too).
	handle("GET /feeds/{path...}", s.serveFeed)

	// Subscribe.
	handle("POST /subscribe", s.checkOrigin(s.submitSubscribe))

	// Confirm: the page shows a button; only the POST activates.
	handle("GET /confirm/{token}", s.showConfirm)
	handle("POST /confirm/{token}", s.submitConfirm)

	// Unsubscribe: the page with a button, and its POST, which is also the
	// RFC 8058 one-click target of List-Unsubscribe.
	handle("GET /unsubscribe/{token}", s.showUnsubscribe)
	handle("POST /unsubscribe/{token}", s.submitUnsubscribe)

	// Preferences: topics, name, or leave.
	handle("GET /preferences/{token}", s.showPreferences)
	handle("POST /preferences/{token}", s.savePreferences)

	// Operations.
	handle("GET /healthz", s.checkHealth)
	mux.Handle("GET /metrics", s.instrument("GET /metrics", promhttp.HandlerFor(gather, promhttp.HandlerOpts{})))

	// Anything else.
	handle("/", s.notFound)
	return mux
}
