// Package websubtest has a WebSub hub on loopback for tests.
package websubtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Hub is a WebSub hub on loopback that records the publish notifications
// it gets. Set Status and Gate before the first request.
type Hub struct {
	*httptest.Server
	// Status is the hub's answer; default 204.
	Status int
	// Gate, when set, holds each request until it is closed.
	Gate chan struct{}
	// Arrived gets a value when a request waits at the gate.
	Arrived chan struct{}

	mu     sync.Mutex
	topics []string
	bad    []string // requests that were not a publish notification
}

// NewHub starts a hub that t closes when it ends.
func NewHub(t *testing.T) *Hub {
	h := &Hub{Status: http.StatusNoContent, Arrived: make(chan struct{}, 16)}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		gate, status := h.Gate, h.Status
		h.mu.Unlock()
		if gate != nil {
			h.Arrived <- struct{}{}
			<-gate
		}
		err := r.ParseForm()
		h.mu.Lock()
		if err != nil || r.Method != http.MethodPost || r.PostForm.Get("hub.mode") != "publish" ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			h.bad = append(h.bad, fmt.Sprintf("%s %v %v", r.Method, r.PostForm, err))
		}
		h.topics = append(h.topics, r.PostForm["hub.url"]...)
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

// Got returns the feed URLs notified so far, and the requests that were
// not a publish notification.
func (h *Hub) Got() (topics, bad []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.topics), slices.Clone(h.bad)
}
