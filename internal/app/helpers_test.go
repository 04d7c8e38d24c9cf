package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/config"
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

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a log the daemon's goroutines write while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

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
