package app

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/testkit"
)

const testConfig = `data_dir = "data"
[site]
title = "Test blog"
base_url = "https://blog.example.com"
time_zone = "UTC"
[posts]
dir = "posts"
[server]
listen = "127.0.0.1:0"
public_url = "http://127.0.0.1:9"
debounce = "20ms"
shutdown_timeout = "5s"
`

// testConfigWithPost writes a site folder with one post and returns its
// loaded config.
func testConfigWithPost(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "posts", "first.md"), "---\ntitle: First post\ndate: 2026-01-01\n---\nBody.\n")
	writeFile(t, filepath.Join(dir, "herald.toml"), testConfig)
	cfg, err := config.Load(filepath.Join(dir, "herald.toml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func writeFile(t *testing.T, path, text string) { testkit.WriteFile(t, path, text) }

// syncBuffer is testkit.Buffer: a log several goroutines write while the test reads it.
type syncBuffer = testkit.Buffer

// waitFor polls cond until it holds; it waits on goroutines that have no
// completion signal to wait on.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(fmt.Sprintf("%s: not seen within 20s", what))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// getFrom requests path from the daemon's web server and returns the status
// and body.
func getFrom(t *testing.T, d *Daemon, path string) (int, string) {
	t.Helper()
	res, err := http.Get("http://" + d.addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}
