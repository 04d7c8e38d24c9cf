package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/clock/clocktest"
)

// TestServeReloadAddsVacation declares a vacation while the daemon runs:
// the run inside it is recorded as skipped and mails nothing, and the
// first run after it sends the posts of the vacation (catch-up).
func TestServeReloadAddsVacation(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	site := newTestSite(t, "Vacation blog")
	newsletter := `
[smtp]
from = "news@blog.example.com"
[newsletter]
enabled = true
schedule = "0 9 * * *"
time_zone = "UTC"
`
	base := fmt.Sprintf(testConfig, "Vacation blog") + newsletter
	site.writeConfig(t, base)
	s := startServe(t, site, clock)
	if _, errOut, err := runCmd(t, "subscribers", "add", "-config", site.config, "-confirmed", "reader@example.org"); err != nil {
		t.Fatal(err, errOut)
	}
	site.writePost(t, "during.md", "Written during the vacation", "2026-03-02T08:30:00Z")
	waitFor(t, "post read", func() bool { return strings.Contains(s.logs.String(), `reason="posts changed"`) })
	site.writeConfig(t, base+"\n[[vacation]]\nfrom = 2026-03-02\nuntil = 2026-03-03T12:00:00\nnote = \"Back on Tuesday\"\n")
	waitFor(t, "config applied", func() bool { return strings.Count(s.logs.String(), "Config applied") == 1 })

	clock.Advance(time.Hour) // 09:00 on Monday: inside the vacation
	waitFor(t, "run recorded as skipped", func() bool { return strings.Contains(s.logs.String(), "vacation until") })
	if n := outboxCount(t, site); n != 0 {
		t.Fatalf("%d messages sent during the vacation", n)
	}
	clock.Advance(24 * time.Hour) // 09:00 on Tuesday: still inside (until 12:00)
	clock.Advance(24 * time.Hour) // 09:00 on Wednesday: back
	waitFor(t, "catch-up issue", func() bool { return outboxCount(t, site) == 1 })
	msg := outboxText(t, site)
	if !strings.Contains(msg, "Written during the vacation") {
		t.Errorf("the first issue after the vacation lacks the post written during it:\n%s", msg)
	}
}

func outboxCount(t *testing.T, site *testSite) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(site.dir, "data", "outbox", "*.eml"))
	return len(files)
}

func outboxText(t *testing.T, site *testSite) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(site.dir, "data", "outbox", "*.eml"))
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// TestServeReloadKeepsPostsForOtherSettings changes a setting that cannot
// change the feeds: the config is applied without reading the posts again.
func TestServeReloadKeepsPostsForOtherSettings(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writePost(t, "first.md", "First post", "2026-01-01")
	s := startServe(t, site, nil)
	s.eventually(t, "/feeds/atom.xml", "initial post", contains("First post"))
	site.writeConfig(t, strings.Replace(fmt.Sprintf(testConfig, "Test blog"), `debounce = "20ms"`, `debounce = "30ms"`, 1))
	waitFor(t, "config applied", func() bool { return strings.Contains(s.logs.String(), "Config applied") })
	if strings.Contains(s.logs.String(), `reason="config reloaded"`) {
		t.Errorf("a debounce change read the posts and rebuilt the feeds:\n%s", s.logs)
	}
}
