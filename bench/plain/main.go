// Command plain is the straightforward Go program herald's cold build is
// compared with: it reads every post, parses its YAML front matter, renders
// its Markdown with goldmark, then writes the three site feeds of the
// newest 20 published posts with gorilla/feeds, one post after another.
//
//	go run ./bench/plain -posts DIR -out DIR
//
// It is a yardstick for bench/run, not part of herald: it trusts its input
// (the corpus of bench/gen) and has none of herald's rules.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gorilla/feeds"
	"github.com/yuin/goldmark"
	"go.yaml.in/yaml/v3"
)

const (
	baseURL   = "https://blog.example.com"
	feedLimit = 20
)

type frontMatter struct {
	Title   string    `yaml:"title"`
	Date    time.Time `yaml:"date"`
	Lastmod time.Time `yaml:"lastmod"`
	Author  string    `yaml:"author"`
	Tags    []string  `yaml:"tags"`
	Draft   bool      `yaml:"draft"`
}

type post struct {
	frontMatter
	link, html, summary string
}

func main() {
	postsDir := flag.String("posts", "", "posts `dir`")
	out := flag.String("out", "", "output `dir` for feed.xml, atom.xml and feed.json")
	flag.Parse()
	if *postsDir == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: plain -posts DIR -out DIR")
		os.Exit(2)
	}
	n, err := run(*postsDir, *out, time.Now())
	if err != nil {
		fmt.Fprintln(os.Stderr, "plain:", err)
		os.Exit(1)
	}
	fmt.Printf("Read %d posts; wrote 3 feeds to %s\n", n, *out)
}

// run reads every post under postsDir and writes the site feeds of those
// published at now to out; it returns the number of posts read.
func run(postsDir, out string, now time.Time) (int, error) {
	posts, err := readAll(postsDir)
	if err != nil {
		return 0, err
	}
	return len(posts), writeFeeds(out, newest(posts, now))
}

// readAll parses and renders every .md file under dir.
func readAll(dir string) ([]*post, error) {
	var posts []*post
	md := goldmark.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		p, err := readPost(md, path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		posts = append(posts, p)
		return nil
	})
	return posts, err
}

func readPost(md goldmark.Markdown, path string) (*post, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rest, ok := bytes.CutPrefix(src, []byte("---\n"))
	head, body, found := bytes.Cut(rest, []byte("\n---\n"))
	if !ok || !found {
		return nil, errors.New("no front matter")
	}
	p := &post{}
	if err := yaml.Unmarshal(head, &p.frontMatter); err != nil {
		return nil, err
	}
	var html bytes.Buffer
	if err := md.Convert(body, &html); err != nil {
		return nil, err
	}
	p.html = html.String()
	p.summary = firstWords(string(body), 60)
	slug := strings.TrimSuffix(filepath.Base(path), ".md")
	if slug == "index" {
		slug = filepath.Base(filepath.Dir(path))
	}
	p.link = fmt.Sprintf("%s/%s/%s/", baseURL, p.Date.Format("2006/01"), slug)
	return p, nil
}

func firstWords(s string, n int) string {
	words := strings.Fields(s)
	return strings.Join(words[:min(n, len(words))], " ")
}

// newest returns the feedLimit newest posts that are neither drafts nor
// dated after now.
func newest(posts []*post, now time.Time) []*post {
	var published []*post
	for _, p := range posts {
		if !p.Draft && !p.Date.After(now) {
			published = append(published, p)
		}
	}
	sort.Slice(published, func(i, j int) bool { return published[i].Date.After(published[j].Date) })
	return published[:min(feedLimit, len(published))]
}

func writeFeeds(dir string, posts []*post) error {
	f := &feeds.Feed{Title: "Bench Blog", Link: &feeds.Link{Href: baseURL + "/"}, Description: "Benchmark corpus"}
	for _, p := range posts {
		f.Items = append(f.Items, &feeds.Item{
			Title: p.Title, Link: &feeds.Link{Href: p.link}, Id: p.link, Author: &feeds.Author{Name: p.Author},
			Description: p.summary, Content: p.html, Created: p.Date, Updated: p.Lastmod,
		})
	}
	if len(posts) > 0 {
		f.Created = posts[0].Date
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, render := range map[string]func() (string, error){"feed.xml": f.ToRss, "atom.xml": f.ToAtom, "feed.json": f.ToJSON} {
		text, err := render()
		if err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
