package siteconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Site is what Detect read from a Hugo or Jekyll site.
type Site struct {
	Generator string // "hugo" or "jekyll"
	Root      string // the site's folder, absolute
	// Prefix is the posts folder relative to Hugo's content folder or to
	// Jekyll's site folder, slash-separated; "" when it is that folder.
	Prefix string
	// Values are herald config keys the site's config gives
	// (site.base_url, site.title, site.language, site.time_zone), in that
	// order, each with the FILE:LINE it came from.
	Values []Value
	// Permalinks are the permalink patterns of the posts in the
	// generator's syntax: Hugo's by section, Jekyll's under "posts". Empty
	// when the site's config has none (the generator's default applies).
	Permalinks map[string]string
	// PermalinkSource is the FILE:LINE of the permalink setting; "" when
	// Permalinks is empty.
	PermalinkSource    string
	DisablePathToLower bool            // Hugo's disablePathToLower
	UglyURLs           bool            // Hugo's uglyURLs = true
	UglySections       map[string]bool // Hugo's [uglyURLs] by section
	// PathPrefix comes before every path: "/fr" for the pages of a Hugo
	// language served under its own folder; "" otherwise.
	PathPrefix string
	// Vars are the config's scalar settings by lowercase dotted key
	// ("title", "params.author", "author.name"), for Liquid's
	// {{ site.KEY }} and Hugo's param shortcode.
	Vars map[string]string
	// Includes is Jekyll's includes folder (absolute); "" for Hugo.
	Includes string
	// Authors are Jekyll's _data/authors.yml entries by key; nil for none.
	Authors map[string]Author
}

// Value is one herald setting the site's config gives.
type Value struct {
	Key    string // herald config key, e.g. "site.base_url"
	Value  string
	Source string // FILE:LINE
}

// Author is one entry of Jekyll's _data/authors.yml.
type Author struct {
	Name, Email, URL, Bio string
}

// Value returns the value of the herald key, and whether the site gives it.
func (s *Site) Value(key string) (Value, bool) {
	for _, v := range s.Values {
		if v.Key == key {
			return v, true
		}
	}
	return Value{}, false
}

// Detect finds the site the posts folder postsDir lies in and reads its
// config. It returns nil and no error when postsDir is in no Hugo or
// Jekyll site; an error for a site config it cannot read. A file named in
// ignore (herald's own config, which may be called config.toml) is never
// taken for the site's.
func Detect(postsDir string, ignore ...string) (*Site, error) {
	abs, err := filepath.Abs(postsDir)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		if s, err := detectIn(dir, abs, ignore); s != nil || err != nil {
			return s, err
		}
		if filepath.Dir(dir) == dir {
			return nil, nil
		}
	}
}

// detectIn reads the site whose folder is dir, when it is one and holds
// postsDir.
func detectIn(dir, postsDir string, ignore []string) (*Site, error) {
	if f := firstFile(dir, ignore, "_config.yml", "_config.yaml"); f != "" {
		return readJekyll(dir, f, postsDir)
	}
	files := []string{}
	if f := firstFile(dir, ignore, "hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml", "config.json"); f != "" {
		files = append(files, f)
	}
	if d := filepath.Join(dir, "config", "_default"); isDir(d) {
		more, _ := filepath.Glob(filepath.Join(d, "*.*"))
		files = append(files, more...)
	}
	if len(files) == 0 {
		return nil, nil
	}
	return readHugo(dir, files, postsDir)
}

func firstFile(dir string, ignore []string, names ...string) string {
	for _, n := range names {
		p := filepath.Join(dir, n)
		if slices.ContainsFunc(ignore, func(f string) bool { return sameFile(f, p) }) {
			continue
		}
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

func sameFile(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// within returns p relative to dir, slash-separated ("" for dir itself),
// and whether p is dir or under it.
func within(dir, p string) (string, bool) {
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	if rel == "." {
		rel = ""
	}
	return filepath.ToSlash(rel), true
}

// readData reads a YAML, TOML or JSON file into a map, by its extension.
func readData(path string) (map[string]any, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	m, err := decode(filepath.Ext(path), data)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return m, data, nil
}
