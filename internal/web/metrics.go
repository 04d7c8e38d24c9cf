package web

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the web side's Prometheus collectors.
type metrics struct {
	requests  *prometheus.CounterVec   // method, route, code
	duration  *prometheus.HistogramVec // method, route
	subscribe *prometheus.CounterVec   // outcome
	emails    *prometheus.CounterVec   // kind, result
}

// Subscribe outcomes, the label values of herald_subscribe_requests_total.
const (
	outcomeAccepted     = "accepted"
	outcomeHoneypot     = "honeypot"
	outcomeInvalid      = "invalid"
	outcomeLimitedIP    = "rate_limited_ip"
	outcomeLimitedEmail = "rate_limited_address"
)

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_http_requests_total", Help: "HTTP requests by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "herald_http_request_duration_seconds", Help: "Time to answer HTTP requests, by method and route pattern.",
			Buckets: []float64{.0005, .001, .005, .01, .05, .1, .5, 1, 5},
		}, []string{"method", "route"}),
		subscribe: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_subscribe_requests_total", Help: "Subscribe form posts by outcome (accepted, honeypot, invalid, rate_limited_ip).",
		}, []string{"outcome"}),
		emails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_web_emails_total", Help: "Confirmation and welcome emails by kind and result (sent, failed, withheld by the per-address limit).",
		}, []string{"kind", "result"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.subscribe, m.emails} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register web metrics: %w", err)
		}
	}
	return m, nil
}
