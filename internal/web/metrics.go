package web

import (
	"context"
	"fmt"
	"log/slog"
	"time"

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

func newMetrics(reg prometheus.Registerer, queue *queueCollector) (*metrics, error) {
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
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.subscribe, m.emails, queue} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register web metrics: %w", err)
		}
	}
	return m, nil
}

// queueCollector reports the queue of confirmation and welcome emails at
// each scrape, counted by the store: every instance shows the whole queue,
// and a relay that stopped taking them shows as a count and an age that
// keep growing, where herald_web_emails_total only shows the failures.
type queueCollector struct {
	store                   Store
	now                     func() time.Time
	log                     *slog.Logger
	queued, failing, oldest *prometheus.Desc
}

// queueStatsTimeout bounds the store's count during a scrape.
const queueStatsTimeout = 2 * time.Second

func newQueueCollector(st Store, now func() time.Time, log *slog.Logger) *queueCollector {
	return &queueCollector{store: st, now: now, log: log,
		queued: prometheus.NewDesc("herald_web_emails_queued",
			"Confirmation and welcome emails not sent yet: being sent, or waiting for a retry.", nil, nil),
		failing: prometheus.NewDesc("herald_web_emails_queued_failing",
			"Queued confirmation and welcome emails whose last attempt failed.", nil, nil),
		oldest: prometheus.NewDesc("herald_web_emails_queued_oldest_seconds",
			"Age of the oldest queued confirmation or welcome email; 0 when none is queued.", nil, nil),
	}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.queued
	ch <- c.failing
	ch <- c.oldest
}

// Collect counts the queue. When the store does not answer, the three
// series are left out of this scrape (an absent series, which an alert on
// absent() catches) and the rest of /metrics is still served.
func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueStatsTimeout)
	defer cancel()
	st, err := c.store.MailQueueStats(ctx)
	if err != nil {
		c.log.Warn("Could not count the queued emails for /metrics", "err", err)
		return
	}
	age := 0.0
	if !st.Oldest.IsZero() {
		age = max(c.now().Sub(st.Oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.queued, prometheus.GaugeValue, float64(st.Queued))
	ch <- prometheus.MustNewConstMetric(c.failing, prometheus.GaugeValue, float64(st.Failing))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
}
