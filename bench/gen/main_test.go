package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/config"
)

func TestRunBadInput(t *testing.T) {
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no output folder", []string{"-n", "5"}, "usage"},
		{"zero posts", []string{"-n", "0", "-o", t.TempDir()}, "usage"},
		{"unknown flag", []string{"-x"}, "not defined"},
		{"output folder not empty", []string{"-n", "5", "-o", full}, "is not empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := run(tc.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
			}
		})
	}
}

// TestRunWritesSite checks the layout and that both herald configs load
// with herald's own config package and point at the posts.
func TestRunWritesSite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if err := run([]string{"-n", "12", "-seed", "3", "-o", dir}, io.Discard); err != nil {
		t.Fatal(err)
	}
	posts, err := filepath.Glob(filepath.Join(dir, "hugo", "content", "posts", "*", "*.md"))
	if err != nil || len(posts) == 0 {
		t.Fatalf("no posts written: %v", err)
	}
	hugo, err := os.ReadFile(filepath.Join(dir, "hugo", "hugo.toml"))
	if err != nil || !strings.Contains(string(hugo), "home = [\"RSS\"]") || !strings.Contains(string(hugo), "limit = 20") {
		t.Fatalf("hugo.toml does not limit Hugo to the home RSS feed of 20 posts: %v\n%s", err, hugo)
	}
	for name, perTag := range map[string]bool{"herald.toml": false, "herald-full.toml": true} {
		cfg, err := config.Load(filepath.Join(dir, name), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.Feeds.PerTag != perTag || cfg.Feeds.PerAuthor != perTag || cfg.Feeds.Limit != 20 {
			t.Errorf("%s: per_tag %t per_author %t limit %d", name, cfg.Feeds.PerTag, cfg.Feeds.PerAuthor, cfg.Feeds.Limit)
		}
		if cfg.Posts.Dir != filepath.Join(dir, "hugo", "content", "posts") {
			t.Errorf("%s: posts dir %s", name, cfg.Posts.Dir)
		}
	}
}
