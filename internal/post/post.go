package post

import (
	"fmt"
	"time"
)

// Author is a person a post names: declared once in the config
// ([authors.<key>]) and referenced by key or name, or only named.
type Author struct {
	Key       string // the declared key; for an undeclared author, the slugified name
	Name      string
	Email     string
	ShowEmail bool // when false, Email never appears in feeds or pages
	URL       string
	Bio       string
	// Undeclared is true for a name with no [authors.*] entry (nor a
	// Jekyll _data/authors.yml one): the author has only Key and Name.
	Undeclared bool
}

// Post is one parsed Markdown file. A Post is immutable once returned by the
// Library: a changed file yields a new *Post. Rendering of the body is lazy
// and cached (see ContentHTML), so only posts that are shown pay for it.
type Post struct {
	Path       string    // slash-separated, relative to the posts folder
	ID         string    // stable feed id; never changes with title, body, tags or file name
	Slug       string    // URL slug
	Title      string    // plain text
	Date       time.Time // publication time; never zero for a parsed post
	Updated    time.Time // lastmod/updated; zero when the front matter has none
	Expires    time.Time // expiryDate: no longer published from then on; zero for never
	Authors    []Author  // resolved from keys; may be empty
	Tags       []string
	Categories []string
	Draft      bool
	Permalink  string // absolute URL on the blog
	// Unsupported lists the shortcodes and Liquid tags of the body and
	// summary that herald removed because it cannot render them.
	Unsupported []Directive

	impl *postImpl // raw body, lazily rendered summary and HTML; nil for a Post built outside this package
}

// Published reports whether p is visible at now: not a draft, not dated
// in the future and not expired.
func (p *Post) Published(now time.Time) bool {
	return !p.Draft && !p.Date.After(now) && !p.expired(now)
}

func (p *Post) expired(now time.Time) bool {
	return !p.Expires.IsZero() && !p.Expires.After(now)
}

// Problem is a post that could not be read. Error() gives
// "path:line:col: what is wrong"; Line and Col are 1-based, 0 when unknown.
type Problem struct {
	Path string
	Line int
	Col  int
	Msg  string
	// Note marks a file skipped on purpose (a symbolic link that leads
	// back into the posts folder), which is no error: Snapshot.Notes
	// lists these, Snapshot.Problems the others.
	Note bool
}

func (p Problem) Error() string {
	switch {
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", p.Path, p.Line, p.Col, p.Msg)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Msg)
	default:
		return fmt.Sprintf("%s: %s", p.Path, p.Msg)
	}
}
