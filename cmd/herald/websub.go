package main

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

// hubNotifier tells the WebSub hub named in feeds.hub which feeds changed
// (hub.mode=publish, one POST per feed URL), so that the hub fetches them
// and pushes them to its subscribers at once instead of at its next poll.
// It runs in the background: a slow or failing hub never holds up a
// rebuild. Feeds that change while a round of pings runs are pinged once
// in the next round.
type hubNotifier struct {
	ctx    context.Context // ends the pings when the daemon stops
	client *http.Client
	log    *slog.Logger

	mu      sync.Mutex
	hub     string          // the hub of the latest notify
	pending map[string]bool // feed URLs to ping
	running bool
	idle    *sync.Cond // signalled when a round ends with nothing pending
}

// hubTimeout bounds one ping.
const hubTimeout = 10 * time.Second

func newHubNotifier(ctx context.Context, log *slog.Logger) *hubNotifier {
	h := &hubNotifier{ctx: ctx, client: &http.Client{Timeout: hubTimeout}, log: log, pending: map[string]bool{}}
	h.idle = sync.NewCond(&h.mu)
	return h
}

// notify pings hub for every feed URL in topics, in the background.
func (h *hubNotifier) notify(hub string, topics []string) {
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
func (h *hubNotifier) run() {
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

// wait returns once no ping is running or pending (for tests and shutdown).
func (h *hubNotifier) wait() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for h.running {
		h.idle.Wait()
	}
}

// ping sends one publish notification and logs how the hub took it.
func (h *hubNotifier) ping(hub, topic string) {
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
