// Package websub tells a WebSub hub (W3C WebSub, section 7) which feeds
// changed, so that the hub fetches them and pushes them to its subscribers
// at once instead of at its next poll.
package websub

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Notifier tells a WebSub hub which feeds changed (hub.mode=publish, one
// POST per feed URL). It runs in the background: a slow or failing hub never holds up a
// rebuild. Feeds that change while a round of pings runs are pinged once
// in the next round.
type Notifier struct {
	ctx    context.Context // ends the pings when the daemon stops
	client *http.Client
	log    *slog.Logger

	mu      sync.Mutex
	hub     string          // the hub of the latest notify
	pending map[string]bool // feed URLs to ping
	running bool
	idle    *sync.Cond // signalled when a round ends with nothing pending
}

// Timeout bounds one ping.
const Timeout = 10 * time.Second

// New returns a Notifier whose pings end when ctx ends; it logs to log.
func New(ctx context.Context, log *slog.Logger) *Notifier {
	h := &Notifier{ctx: ctx, client: &http.Client{Timeout: Timeout}, log: log, pending: map[string]bool{}}
	h.idle = sync.NewCond(&h.mu)
	return h
}

// Notify pings hub for every feed URL in topics, in the background.
func (h *Notifier) Notify(hub string, topics []string) {
	if hub == "" || len(topics) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hub = hub
	for _, t := range topics {
		h.pending[t] = true
	}
	if !h.running {
		h.running = true
		go h.run()
	}
}

// run pings rounds of pending feeds until none is left.
func (h *Notifier) run() {
	for {
		h.mu.Lock()
		if len(h.pending) == 0 || h.ctx.Err() != nil {
			clear(h.pending)
			h.running = false
			h.idle.Broadcast()
			h.mu.Unlock()
			return
		}
		hub, topics := h.hub, make([]string, 0, len(h.pending))
		for t := range h.pending {
			topics = append(topics, t)
		}
		clear(h.pending)
		h.mu.Unlock()
		slices.Sort(topics)
		for _, t := range topics {
			h.ping(hub, t)
		}
	}
}

// Wait returns once no ping is running or pending (for tests and shutdown).
func (h *Notifier) Wait() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for h.running {
		h.idle.Wait()
	}
}

// ping sends one publish notification and logs how the hub took it.
func (h *Notifier) ping(hub, topic string) {
	body := url.Values{"hub.mode": {"publish"}, "hub.url": {topic}}.Encode()
	req, err := http.NewRequestWithContext(h.ctx, http.MethodPost, hub, strings.NewReader(body))
	if err != nil {
		h.log.Warn("WebSub hub not notified", "hub", hub, "feed", topic, "err", err)
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.client.Do(req)
	if err != nil {
		h.log.Warn("WebSub hub not notified", "hub", hub, "feed", topic, "err", err)
		return
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		h.log.Warn("WebSub hub refused the notification", "hub", hub, "feed", topic, "status", resp.Status)
		return
	}
	h.log.Debug("WebSub hub notified", "hub", hub, "feed", topic)
}
