package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/heraldhq/herald/internal/config"
)

// InitSite scaffolds a new site in dir (`herald init`): a commented
// herald.toml and posts/welcome.md dated now. It refuses, before writing
// anything, when either file exists.
func InitSite(dir string, now time.Time) error {
	files := map[string][]byte{
		"herald.toml":      config.Scaffold(),
		"posts/welcome.md": welcomePost(now),
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
