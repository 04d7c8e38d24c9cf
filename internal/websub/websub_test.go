package websub

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/testkit"
	"github.com/heraldhq/herald/internal/websub/websubtest"
)

// syncBuffer is testkit.Buffer: a log several goroutines write while the test reads it.
type syncBuffer = testkit.Buffer

func TestHubNotifierPingsEachFeedOnce(t *testing.T) {
	hub := websubtest.NewHub(t)
	var logs syncBuffer
	n := New(context.Background(), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	hub.Gate = make(chan struct{})
	n.Notify(hub.URL, []string{"https://b.example/feeds/rss.xml", "https://b.example/feeds/atom.xml"})
	<-hub.Arrived
	// While the first round waits on the hub, the same feed changes twice
	// more and another once: the next round pings each once.
	n.Notify(hub.URL, []string{"https://b.example/feeds/rss.xml"})
	n.Notify(hub.URL, []string{"https://b.example/feeds/rss.xml", "https://b.example/feeds/feed.json"})
	close(hub.Gate)
	n.Wait()
	topics, bad := hub.Got()
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
	hub := websubtest.NewHub(t)
	hub.Status = http.StatusBadRequest
	var logs syncBuffer
	n := New(context.Background(), slog.New(slog.NewTextHandler(&logs, nil)))
	n.Notify(hub.URL, []string{"https://b.example/feeds/rss.xml", "https://b.example/feeds/atom.xml"})
	n.Wait()
	if topics, _ := hub.Got(); len(topics) != 2 {
		t.Errorf("hub got %q, want both feeds despite the first refusal", topics)
	}
	if got := strings.Count(logs.String(), "WebSub hub refused the notification"); got != 2 {
		t.Errorf("%d refusals logged, want 2:\n%s", got, logs.String())
	}
	n.Notify("http://127.0.0.1:1/hub", []string{"https://b.example/feeds/rss.xml"})
	n.Wait()
	if !strings.Contains(logs.String(), "WebSub hub not notified") {
		t.Errorf("an unreachable hub is not logged:\n%s", logs.String())
	}
}

// TestHubNotifierStopsWithItsContext checks that a hub that never answers
// does not hold up shutdown: cancelling the notifier's context ends the
// ping in flight and drops the rest.
func TestHubNotifierStopsWithItsContext(t *testing.T) {
	hub := websubtest.NewHub(t)
	hub.Gate = make(chan struct{})
	defer close(hub.Gate)
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	n := New(ctx, slog.New(slog.NewTextHandler(&logs, nil)))
	n.Notify(hub.URL, []string{"https://b.example/feeds/rss.xml", "https://b.example/feeds/atom.xml"})
	<-hub.Arrived
	cancel()
	stopped := make(chan struct{})
	go func() { n.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(Timeout / 2):
		t.Fatal("the notifier did not stop when its context ended")
	}
	if !strings.Contains(logs.String(), "context canceled") {
		t.Errorf("the abandoned ping is not logged:\n%s", logs.String())
	}
}
