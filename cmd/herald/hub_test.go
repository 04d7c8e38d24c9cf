package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/websub/websubtest"
)

// TestServeNotifiesHub checks that the daemon pings the hub for the feeds
// a rebuild changed, and not for the stylesheet.
func TestServeNotifiesHub(t *testing.T) {
	hub := websubtest.NewHub(t)
	site := newTestSite(t, "Test blog")
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+fmt.Sprintf("[feeds]\nhub = %q\n", hub.URL))
	site.writePost(t, "first.md", "First post", "2026-01-01")
	s := startServe(t, site, nil)
	s.eventually(t, "/feeds/atom.xml", "initial post", contains("First post"))
	site.writePost(t, "second.md", "Second post", "2026-01-02")
	s.eventually(t, "/feeds/atom.xml", "new post", contains("Second post"))
	deadline := time.Now().Add(10 * time.Second)
	for {
		topics, bad := hub.Got()
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
