package newsletter

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	sent, failed, retried, skipped prometheus.Counter
	uncertain                      prometheus.Gauge
	lastIssue, nextRun             prometheus.Gauge
}

// newMetrics creates the collectors and registers them with reg when not
// nil; a collector already registered (a second engine) is reused.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: "herald", Subsystem: "newsletter", Name: name, Help: help})
	}
	gauge := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "herald", Subsystem: "newsletter", Name: name, Help: help})
	}
	m := &metrics{
		sent:      counter("messages_sent_total", "Messages accepted by the mail server."),
		failed:    counter("messages_failed_total", "Deliveries failed for good (5xx or attempts exhausted)."),
		retried:   counter("messages_retried_total", "Temporary failures put back for a later attempt."),
		skipped:   counter("messages_skipped_total", "Deliveries skipped: subscriber left or no post matched their topics."),
		uncertain: gauge("deliveries_uncertain", "Deliveries of unfinished or recent issues held as uncertain after a crash."),
		lastIssue: gauge("last_issue_timestamp_seconds", "Scheduled time of the last issue that sent."),
		nextRun:   gauge("next_run_timestamp_seconds", "Time of the next scheduled run."),
	}
	if reg == nil {
		return m, nil
	}
	for _, p := range []any{&m.sent, &m.failed, &m.retried, &m.skipped, &m.uncertain, &m.lastIssue, &m.nextRun} {
		if err := register(reg, p); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// register registers the collector *p, or replaces *p with the one
// already registered under the same name.
func register(reg prometheus.Registerer, p any) error {
	switch c := p.(type) {
	case *prometheus.Counter:
		return registerAs(reg, c)
	case *prometheus.Gauge:
		return registerAs(reg, c)
	}
	return fmt.Errorf("register metric: unexpected %T", p)
}

func registerAs[T prometheus.Collector](reg prometheus.Registerer, c *T) error {
	err := reg.Register(*c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(T); ok {
			*c = existing
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("register newsletter metrics: %w", err)
	}
	return nil
}
