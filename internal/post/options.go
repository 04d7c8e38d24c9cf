package post

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// DefaultPermalink is the pattern used when Options.Permalink is empty.
const DefaultPermalink = "/{year}/{month}/{slug}/"

// Options says where posts live and how to read them. The zero value is not
// usable: Dir and BaseURL are required (see Check).
type Options struct {
	Dir       string // folder scanned recursively for .md files
	BaseURL   string // absolute http(s) URL of the blog, e.g. "https://blog.example.com"
	Permalink string // pattern with {year} {month} {day} {slug} {section}; "" means DefaultPermalink
	// Location is the time zone of dates written without an offset and of
	// the permalink's {year}/{month}/{day}; nil means UTC.
	Location *time.Location
	// Authors maps front matter keys to people (see Post.Authors for how
	// a post's names are resolved); nil means no author is declared.
	Authors map[string]Author
	// DataAuthors is a Jekyll site's _data/authors.yml by key, used for
	// names that Authors does not declare; nil means none.
	DataAuthors map[string]Author
	// Site is the Hugo or Jekyll site Dir lies in; nil for a plain folder.
	Site *Site
	// SummaryWords trims summaries to that many words followed by "…";
	// 0 or less means no trimming.
	SummaryWords int
	// MaxSize is the largest post file read, in bytes; a larger one is
	// skipped with a Problem. 0 means DefaultMaxSize; negative, no limit.
	MaxSize int64
}

// DefaultMaxSize is the largest post file read when Options.MaxSize is 0.
const DefaultMaxSize = 4 << 20

// errFileTooLarge is wrapped by the error of reading a file over MaxSize.
var errFileTooLarge = errors.New("file larger than the size limit")

func (o Options) maxSize() int64 {
	switch {
	case o.MaxSize == 0:
		return DefaultMaxSize
	case o.MaxSize < 0:
		return 0
	}
	return o.MaxSize
}

var placeholders = []string{"{year}", "{month}", "{day}", "{slug}", "{section}"}

// Check reports the first problem with o: a BaseURL that is not an absolute
// http(s) URL, or a permalink pattern with an unknown {placeholder}.
func (o Options) Check() error {
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("check post options: base url %q is not an absolute http(s) URL", o.BaseURL)
	}
	rest := o.permalink()
	for _, p := range placeholders {
		rest = strings.ReplaceAll(rest, p, "")
	}
	if i := strings.IndexAny(rest, "{}"); i >= 0 {
		return fmt.Errorf("check post options: permalink %q has an unknown placeholder (want %s)",
			o.Permalink, strings.Join(placeholders, " "))
	}
	return nil
}

func (o Options) permalink() string {
	if o.Permalink == "" {
		return DefaultPermalink
	}
	return o.Permalink
}

func (o Options) location() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// host returns the host name of BaseURL, used in generated tag URIs.
func (o Options) host() string {
	u, err := url.Parse(o.BaseURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
