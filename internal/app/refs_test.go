package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDaemonEditOfReferencedPost: a post that links to another with ref
// (Hugo's relref, Jekyll's post_url) shows that post's URL as it is now.
// When an edit gives the other post a new URL, deletes it or brings it
// back, the daemon serves the feeds a cold build of the same posts writes,
// byte for byte: the linking post, whose file did not change, used to keep
// the URL of the first build (found on the gRPC blog, whose
// kotlin-gradle-projects post relrefs kotlin-meet-grpc).
func TestDaemonEditOfReferencedPost(t *testing.T) {
	cfg := testConfigWithPost(t)
	posts := filepath.Join(filepath.Dir(cfg.File), "posts")
	target := filepath.Join(posts, "target.md")
	writeFile(t, filepath.Join(posts, "linking.md"), "---\ntitle: Linking post\ndate: 2026-01-03\n---\n"+
		"See [the target]({{< relref \"target\" >}}).\n")
	targetText := "---\ntitle: Target post\ndate: 2026-01-02\n---\nThe target.\n"
	writeFile(t, target, targetText)
	d, err := Start(context.Background(), cfg, Env{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { d.stopLoop(); d.Wait() }()

	served := func() string {
		status, body := getFrom(t, d, "/feeds/rss.xml")
		if status != 200 {
			t.Fatalf("GET /feeds/rss.xml: %d", status)
		}
		return body
	}
	// matchesCold waits for the edit to be built (its sign: the target's
	// own entry as want says), then compares the feed with a cold build.
	matchesCold := func(what, want string, present bool) {
		t.Helper()
		waitFor(t, what, func() bool { return strings.Contains(served(), want) == present })
		if got, cold := served(), coldFeed(t, d, "rss.xml"); got != cold {
			t.Errorf("%s: the daemon serves\n%s\na cold build writes\n%s", what, got, cold)
		}
	}
	matchesCold("the first build", "<link>https://blog.example.com/2026/01/target/</link>", true)
	writeFile(t, target, strings.Replace(targetText, "date:", "slug: renamed\ndate:", 1))
	matchesCold("the target's new slug", "<link>https://blog.example.com/2026/01/renamed/</link>", true)
	if err := os.Remove(target); err != nil {
		t.Fatal(err)
	}
	matchesCold("the target deleted", "Target post", false)
	writeFile(t, target, targetText)
	matchesCold("the target back", "<link>https://blog.example.com/2026/01/target/</link>", true)
}

// coldFeed builds the feeds of d's config from its posts folder into a
// new folder, as herald build does, and returns the file at path.
func coldFeed(t *testing.T, d *Daemon, path string) string {
	t.Helper()
	dir := t.TempDir()
	pub, err := NewPublisher(d.cfg, dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.LoadPosts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := pub.Publish(time.Now()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
