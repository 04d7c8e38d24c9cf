package app

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBrokenPostLoggedOnce keeps a broken post in the folder while other
// posts are edited: the log says it is skipped once, not at every rebuild;
// a new problem of the same post is logged, and so is everything again
// after SIGHUP. The Go blog's 64 broken posts made 1,536 log lines over
// 24 rebuilds before.
func TestBrokenPostLoggedOnce(t *testing.T) {
	cfg := testConfigWithPost(t)
	posts := filepath.Join(filepath.Dir(cfg.File), "posts")
	writeFile(t, filepath.Join(posts, "broken.md"), "---\ntitle: Broken\ndate: 2026-13-45\n---\nx\n")
	hup := make(chan os.Signal, 1)
	logs := &syncBuffer{}
	d, err := Start(context.Background(), cfg, Env{Stdout: io.Discard, Stderr: logs, Hup: hup})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { d.stopLoop(); d.Wait() }()
	count := func(s string) int { return strings.Count(logs.String(), s) }
	builds := func() int { return count(`msg="Feeds built"`) }
	edit := func(i int) {
		t.Helper()
		before := builds()
		writeFile(t, filepath.Join(posts, "other.md"), "---\ntitle: Other\ndate: 2026-01-02\n---\nEdit "+string(rune('a'+i))+".\n")
		waitFor(t, "the edit built", func() bool { return builds() > before })
	}
	if n := count("Post skipped"); n != 1 {
		t.Fatalf("after the start the log says %d times that a post was skipped, want 1:\n%s", n, logs.String())
	}
	for i := range 3 {
		edit(i)
	}
	if n := count("Post skipped"); n != 1 {
		t.Errorf("after 3 more builds the broken post is logged %d times, want once:\n%s", n, logs.String())
	}

	before := builds()
	writeFile(t, filepath.Join(posts, "broken.md"), "---\ntitle: [unclosed\ndate: 2026-01-01\n---\nx\n")
	waitFor(t, "the new problem built", func() bool { return builds() > before })
	waitFor(t, "the new problem logged", func() bool { return count("Post skipped") == 2 })

	hup <- syscall.SIGHUP
	waitFor(t, "the problem logged again after SIGHUP", func() bool { return count("Post skipped") == 3 })
}
