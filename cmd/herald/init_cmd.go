package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/heraldhq/herald/internal/config"
)

var initCommand = command{
	name:    "init",
	args:    "DIR",
	summary: "scaffold a new site: a commented herald.toml and a posts folder",
	about: `Creates DIR (when missing) with a commented herald.toml made from the same source as
config.example.toml, and posts/ with one welcome post. It refuses to overwrite anything that
exists. To use an existing Hugo or Jekyll site instead, point [posts] dir at its content folder
(Hugo: content/posts, Jekyll: _posts).`,
	run: runInit,
}

func runInit(_ context.Context, c *command, args []string, e env) error {
	flags := newFlagSet(c, e)
	if err := parseFlags(flags, args, e); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return fmt.Errorf("%w: expected one DIR, got %d arguments", errUsage, flags.NArg())
	}
	dir := flags.Arg(0)
	files := map[string][]byte{
		"herald.toml":      config.Scaffold(),
		"posts/welcome.md": welcomePost(time.Now()),
	}
	for name := range files {
		if _, err := os.Lstat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s exists; herald init never overwrites: choose an empty folder", filepath.Join(dir, name))
		}
	}
	for _, name := range []string{"herald.toml", "posts/welcome.md"} {
		if err := createFile(filepath.Join(dir, name), files[name]); err != nil {
			return err
		}
	}
	cfg := filepath.Join(dir, "herald.toml")
	fmt.Fprintf(e.stdout, `Created %s and %s.
Next: edit [site] and [authors] in %s, then run
  herald serve -config %s
To publish an existing Hugo or Jekyll site instead, set [posts] dir to its content folder
(for example "../myblog/content/posts" or "../myblog/_posts") and delete %s.
`, cfg, filepath.Join(dir, "posts"), cfg, cfg, filepath.Join(dir, "posts"))
	return nil
}

// createFile writes a new file, failing when it exists.
func createFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func welcomePost(now time.Time) []byte {
	return fmt.Appendf(nil, `---
title: "Welcome"
date: %s
author: mike
tags: [news]
---

This is the first post of the new site. herald publishes every Markdown file in
this folder as RSS, Atom and JSON Feed, and mails new posts to subscribers on the
newsletter's schedule.

Write the next post as another .md file here, with a title and a date in its front
matter; set draft: true to keep it back.
`, now.Format("2006-01-02"))
}
