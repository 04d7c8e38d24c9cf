package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/publish"
)

// daemonMetrics are the feed-side metrics; the web and the newsletter
// register their own on the same registry.
type daemonMetrics struct {
	published prometheus.Gauge
	skipped   prometheus.Gauge
	held      *prometheus.GaugeVec
	builds    *prometheus.CounterVec
	duration  prometheus.Histogram
	written   prometheus.Counter
	reloads   *prometheus.CounterVec
}

func newDaemonMetrics(reg prometheus.Registerer) *daemonMetrics {
	m := &daemonMetrics{
		published: prometheus.NewGauge(prometheus.GaugeOpts{Name: "herald_posts_published", Help: "Posts published in the feeds."}),
		skipped:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "herald_posts_skipped", Help: "Posts left out because they could not be read."}),
		held:      prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "herald_posts_held", Help: "Posts held back, by reason (draft, future)."}, []string{"reason"}),
		builds:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_feed_builds_total", Help: "Feed builds, by result."}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "herald_feed_build_duration_seconds", Help: "Time to build and write the feeds.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}),
		written: prometheus.NewCounter(prometheus.CounterOpts{Name: "herald_feed_files_written_total", Help: "Feed files rewritten because their bytes changed."}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_config_reloads_total", Help: "Config reloads, by result (applied, invalid, failed)."}, []string{"result"}),
	}
	reg.MustRegister(m.published, m.skipped, m.held, m.builds, m.duration, m.written, m.reloads)
	return m
}

func (m *daemonMetrics) observe(r publish.Result, err error) {
	if err != nil {
		m.builds.WithLabelValues("error").Inc()
		return
	}
	m.builds.WithLabelValues("ok").Inc()
	m.published.Set(float64(r.Published))
	m.skipped.Set(float64(r.Skipped))
	m.held.WithLabelValues("draft").Set(float64(r.Drafts))
	m.held.WithLabelValues("future").Set(float64(r.Future))
	m.duration.Observe(r.Duration.Seconds())
	m.written.Add(float64(r.Written))
}
