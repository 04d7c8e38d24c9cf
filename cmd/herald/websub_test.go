package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// testHub is a WebSub hub on loopback that records the publish
// notifications it gets; status is its answer, gate (when set) holds each
// request until closed.
type testHub struct {
	*httptest.Server
	mu      sync.Mutex
	topics  []string
	bad     []string // requests that were not a publish notification
	status  int
	gate    chan struct{}
	arrived chan struct{} // gets a value when a request waits at the gate
}

func newTestHub(t *testing.T) *testHub {
	h := &testHub{status: http.StatusNoContent, arrived: make(chan struct{}, 16)}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		gate, status := h.gate, h.status
		h.mu.Unlock()
		if gate != nil {
			h.arrived <- struct{}{}
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

func (h *testHub) got() (topics, bad []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.topics), slices.Clone(h.bad)
}

func TestHubNotifierPingsEachFeedOnce(t *testing.T) {
	hub := newTestHub(t)
	var logs syncBuffer
	n := newHubNotifier(context.Background(), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	hub.gate = make(chan struct{})
	n.notify(hub.URL, []string{"https://b.example/feeds/rss.xml", "https://b.example/feeds/atom.xml"})
	<-hub.arrived
	// While the first round waits on the hub, the same feed changes twice
	// more and another once: the next round pings each once.
	n.notify(hub.URL, []string{"https://b.example/feeds/rss.xml"})
	n.notify(hub.URL, []string{"https://b.example/feeds/rss.xml", "https://b.example/feeds/feed.json"})
	close(hub.gate)
	n.wait()
	topics, bad := hub.got()
	want := []string{"https://b.example/feeds/atom.xml", "https://b.example/feeds/rss.xml",
		"https://b.example/feeds/feed.json", "https://b.example/feeds/rss.xml"}
	if !slices.Equal(topics, want) || len(bad) > 0 {
		t.Errorf("hub got %q (bad requests %q), want %q", topics, bad, want)
	}
	if !strings.Contains(logs.String(), "WebSub hub notified") {
		t.Errorf("no debug line for the pings:\n%s", logs.String())
	}
}

func TestHubNotifierLogsRefusalsAndGoesOn(t *testing.T) {
	hub := newTestHub(t)
	hub.status = http.StatusBadRequest
	var logs syncBuffer
	n := newHubNotifier(context.Background(), slog.New(slog.NewTextHandler(&logs, nil)))
	n.notify(hub.URL, []string{"https://b.example/feeds/rss.xml", "https://b.example/feeds/atom.xml"})
	n.wait()
	if topics, _ := hub.got(); len(topics) != 2 {
		t.Errorf("hub got %q, want both feeds despite the first refusal", topics)
	}
	if got := strings.Count(logs.String(), "WebSub hub refused the notification"); got != 2 {
		t.Errorf("%d refusals logged, want 2:\n%s", got, logs.String())
	}
	n.notify("http://127.0.0.1:1/hub", []string{"https://b.example/feeds/rss.xml"})
	n.wait()
	if !strings.Contains(logs.String(), "WebSub hub not notified") {
		t.Errorf("an unreachable hub is not logged:\n%s", logs.String())
	}
}

// TestServeNotifiesHub checks that the daemon pings the hub for the feeds
// a rebuild changed, and not for the stylesheet.
func TestServeNotifiesHub(t *testing.T) {
	hub := newTestHub(t)
	site := newTestSite(t, "Test blog")
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+fmt.Sprintf("[feeds]\nhub = %q\n", hub.URL))
	site.writePost(t, "first.md", "First post", "2026-01-01")
	s := startServe(t, site, nil)
	s.eventually(t, "/feeds/atom.xml", "initial post", contains("First post"))
	site.writePost(t, "second.md", "Second post", "2026-01-02")
	s.eventually(t, "/feeds/atom.xml", "new post", contains("Second post"))
	deadline := time.Now().Add(10 * time.Second)
	for {
		topics, bad := hub.got()
		n := 0
		for _, tp := range topics {
			if tp == "http://127.0.0.1:9/feeds/atom.xml" {
				n++
			}
			if strings.HasSuffix(tp, ".xsl") {
				t.Fatalf("the stylesheet was announced to the hub: %q", topics)
			}
		}
		if len(bad) > 0 {
			t.Fatalf("bad requests to the hub: %q", bad)
		}
		if n >= 2 { // the first build, then the new post
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("hub got %q, want atom.xml twice\nlogs:\n%s", topics, s.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHubNotifierStopsWithItsContext checks that a hub that never answers
// does not hold up shutdown: cancelling the notifier's context ends the
// ping in flight and drops the rest.
func TestHubNotifierStopsWithItsContext(t *testing.T) {
	hub := newTestHub(t)
	hub.gate = make(chan struct{})
	defer close(hub.gate)
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	n := newHubNotifier(ctx, slog.New(slog.NewTextHandler(&logs, nil)))
	n.notify(hub.URL, []string{"https://b.example/feeds/rss.xml", "https://b.example/feeds/atom.xml"})
	<-hub.arrived
	cancel()
	stopped := make(chan struct{})
	go func() { n.wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(hubTimeout / 2):
		t.Fatal("the notifier did not stop when its context ended")
	}
	if !strings.Contains(logs.String(), "context canceled") {
		t.Errorf("the abandoned ping is not logged:\n%s", logs.String())
	}
}
