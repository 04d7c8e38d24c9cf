// Command gen writes a benchmark site: a deterministic corpus of Markdown
// posts (internal/corpus) that herald, Hugo and bench/plain all read, with a
// config for each.
//
//	go run ./bench/gen -n 10000 -seed 1 -o DIR
//	go run ./bench/gen -n 10000 -seed 1 -authors 256 -tags 500 -o DIR
//
// The second spreads the posts over many authors and tags, so that the
// per-tag and per-author feeds (herald-full.toml) are many: the case that
// measures herald's memory.
//
// DIR/hugo/hugo.toml            Hugo, set up to write only the home RSS feed
// DIR/hugo/content/posts/...    the posts
// DIR/herald.toml               herald writing the three site feeds only
// DIR/herald-full.toml          herald with its defaults (site, per-tag and per-author feeds)
//
// Every feed keeps the newest 20 posts. The same -n and -seed always give
// the same files. DIR must not exist yet or be empty, so a stale corpus is
// never measured.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/heraldhq/herald/internal/corpus"
)

// feedLimit is the number of posts in every feed, for all three programs.
const feedLimit = 20

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	n := fs.Int("n", 1000, "number of posts")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same posts")
	authors := fs.Int("authors", 0, "number of authors (0: the default corpus's 5)")
	tags := fs.Int("tags", 0, "number of tags (0: the default corpus's 10)")
	out := fs.String("o", "", "output `dir` (required; must be empty or absent)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *n <= 0 || *authors < 0 || *tags < 0 {
		return errors.New("usage: gen -n POSTS -seed SEED [-authors N -tags N] -o DIR (POSTS > 0)")
	}
	if err := checkEmpty(*out); err != nil {
		return err
	}
	if err := write(*out, *n, *seed, corpus.Shape{Authors: *authors, Tags: *tags}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %d posts (seed %d) to %s\n", *n, *seed, *out)
	return nil
}

// checkEmpty returns an error when dir exists and holds anything.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read output folder: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("output folder %s is not empty", dir)
	}
	return nil
}

func write(dir string, n int, seed int64, sh corpus.Shape) error {
	posts := filepath.Join(dir, "hugo", "content", "posts")
	if err := corpus.GenerateShape(posts, n, seed, sh); err != nil {
		return err
	}
	files := map[string]string{
		filepath.Join(dir, "hugo", "hugo.toml"): hugoConfig(),
		filepath.Join(dir, "herald.toml"):       heraldConfig(sh, false),
		filepath.Join(dir, "herald-full.toml"):  heraldConfig(sh, true),
	}
	for path, text := range files {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return fmt.Errorf("write config: %w", err)
		}
	}
	return nil
}

// hugoConfig renders nothing but the home page's RSS feed of the newest
// feedLimit posts: no HTML pages, sections, taxonomies or sitemap.
func hugoConfig() string {
	return fmt.Sprintf(`baseURL = "https://blog.example.com/"
title = "Bench Blog"
languageCode = "en"
disableKinds = ["section", "taxonomy", "term", "sitemap", "robotsTXT", "404"]

[outputs]
home = ["RSS"]
page = []

[services.rss]
limit = %d
`, feedLimit)
}

// heraldConfig is a herald config over the same posts; full keeps the
// per-tag and per-author feeds of herald's defaults.
func heraldConfig(sh corpus.Shape, full bool) string {
	var b strings.Builder
	b.WriteString(`data_dir = "data"
[site]
title = "Bench Blog"
base_url = "https://blog.example.com"
time_zone = "UTC"
`)
	for _, k := range sh.AuthorKeys() {
		fmt.Fprintf(&b, "[authors.%s]\nname = \"Author %s\"\nemail = \"%s@blog.example.com\"\n", k, k, k)
	}
	fmt.Fprintf(&b, "[posts]\ndir = \"hugo/content/posts\"\n[feeds]\nlimit = %d\nper_tag = %t\nper_author = %t\n",
		feedLimit, full, full)
	return b.String()
}
