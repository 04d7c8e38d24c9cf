package feed

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/templates"
)

// The formats herald writes, as named in Options.Formats.
const (
	FormatRSS  = "rss"
	FormatAtom = "atom"
	FormatJSON = "json"
)

// Content types of the files Build produces.
const (
	TypeRSS  = "application/rss+xml; charset=utf-8"
	TypeAtom = "application/atom+xml; charset=utf-8"
	TypeJSON = "application/feed+json; charset=utf-8"
	TypeXSL  = "text/xsl; charset=utf-8"
)

// DefaultLimit is the number of items in a feed when Options.Limit is zero.
const DefaultLimit = 20

// StylesheetPath is where the XSL stylesheet lives, in the output folder and
// in the templates file system.
const StylesheetPath = "style.xsl"

// ErrInvalid is wrapped by every error NewBuilder and Build return for a bad
// Site or Options.
var ErrInvalid = errors.New("invalid feed settings")

// Site describes the blog the feeds belong to.
type Site struct {
	Title       string // required
	Description string
	Language    string // e.g. "en" or "ar"; empty leaves it out
	Icon        string // absolute URL, or a path resolved against BaseURL; empty leaves it out
	BaseURL     string // the blog's home page, absolute http(s) URL; required
	PublicURL   string // where herald serves the output folder under /feeds/; absolute; required
	Hub         string // WebSub hub URL; empty leaves the rel="hub" links out
	Stylesheet  bool   // write style.xsl and point RSS and Atom at it
	// Authors maps an author key to the author, for the titles of the
	// per-author feeds. A key missing here falls back to the post's Author.
	Authors map[string]post.Author
}

// Options says which feeds to build.
type Options struct {
	Limit     int      // newest posts per feed; 0 means DefaultLimit; negative is an error
	Formats   []string // any of "rss", "atom", "json"; empty means all three
	PerTag    bool     // also build tags/<tag-slug>/...
	PerAuthor bool     // also build authors/<author-key>/...
	// Templates holds feed/style.xsl, read once by NewBuilder; pass
	// templates.Read(overrideDir) (config.TemplateFS) to honour the
	// operator's override folder.
	// nil means templates.Embedded().
	Templates fs.FS
}

// File is one output file.
type File struct {
	Path        string // slash path relative to the output folder
	ContentType string
	Data        []byte // never modified after Build returns; shared between builds when unchanged
	// Modified is when the file's bytes last changed: zero from Build;
	// Writer.Write sets it to the file's mtime, which it keeps across
	// rebuilds that give the same bytes (HTTP Last-Modified follows it).
	Modified time.Time

	// Set by Writer.Write and Builder.BuildTo, which write the bytes to
	// disk (BuildTo returns Data nil: the file on disk is the copy):
	Disk   string   // the file's path on disk
	Size   int64    // len(Data)
	Sum    [32]byte // SHA-256 of Data
	GzSize int64    // size of the gzip copy at Disk+".gz"; 0 when there is none (it would not be smaller)
}

// GzSuffix ends the name of the gzip copy written beside each file whose
// compression pays (rss.xml.gz beside rss.xml), with the same mtime: what
// nginx's gzip_static and Caddy's precompressed serve, and herald too.
const GzSuffix = ".gz"

// Build renders every feed for published (newest first) in one go. It is
// NewBuilder followed by one Builder.Build; a daemon that rebuilds often
// keeps a Builder instead. The error wraps ErrInvalid when site or opts are
// unusable; see Builder.Build for the others.
func Build(site Site, opts Options, published []*post.Post) ([]File, error) {
	b, err := NewBuilder(site, opts)
	if err != nil {
		return nil, err
	}
	return b.Build(published)
}

// config is Site and Options checked and normalised.
type config struct {
	site    Site
	limit   int
	formats []string
	perTag  bool
	perAuth bool
	xsl     []byte
	index   *template.Template // feed/index.html; nil without the stylesheet
}

func newConfig(site Site, opts Options) (config, error) {
	c := config{site: site, limit: opts.Limit, perTag: opts.PerTag, perAuth: opts.PerAuthor}
	if err := c.checkSite(); err != nil {
		return config{}, err
	}
	if err := c.setOptions(opts); err != nil {
		return config{}, err
	}
	if site.Stylesheet {
		if err := c.readStylesheet(opts.Templates); err != nil {
			return config{}, err
		}
		if err := c.readIndex(opts.Templates); err != nil {
			return config{}, err
		}
	}
	return c, nil
}

func (c *config) checkSite() error {
	if c.site.Title == "" {
		return fmt.Errorf("%w: site title is empty", ErrInvalid)
	}
	for _, u := range []struct{ name, val string }{
		{"base url", c.site.BaseURL}, {"public url", c.site.PublicURL},
	} {
		if err := checkAbsolute(u.name, u.val); err != nil {
			return err
		}
	}
	if c.site.Hub != "" {
		if err := checkAbsolute("hub url", c.site.Hub); err != nil {
			return err
		}
	}
	return c.resolveIcon()
}

func (c *config) resolveIcon() error {
	if c.site.Icon == "" {
		return nil
	}
	ref, err := url.Parse(c.site.Icon)
	if err != nil {
		return fmt.Errorf("%w: reading icon url %q: %w", ErrInvalid, c.site.Icon, err)
	}
	base, _ := url.Parse(c.site.BaseURL) // checked by checkSite
	c.site.Icon = base.ResolveReference(ref).String()
	return nil
}

func checkAbsolute(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: reading %s %q: %w", ErrInvalid, name, raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: %s %q is not an absolute http(s) URL", ErrInvalid, name, raw)
	}
	return nil
}

func (c *config) setOptions(opts Options) error {
	switch {
	case opts.Limit < 0:
		return fmt.Errorf("%w: limit %d is negative", ErrInvalid, opts.Limit)
	case opts.Limit == 0:
		c.limit = DefaultLimit
	}
	c.formats = []string{FormatRSS, FormatAtom, FormatJSON}
	if len(opts.Formats) == 0 {
		return nil
	}
	for _, f := range opts.Formats {
		if !slices.Contains(c.formats, f) {
			return fmt.Errorf("%w: unknown format %q (want rss, atom or json)", ErrInvalid, f)
		}
	}
	c.formats = slices.DeleteFunc(slices.Clone(c.formats), func(f string) bool {
		return !slices.Contains(opts.Formats, f)
	})
	return nil
}

func (c *config) readStylesheet(fsys fs.FS) error {
	if fsys == nil {
		fsys = templates.Embedded()
	}
	data, err := fs.ReadFile(fsys, "feed/"+StylesheetPath)
	if err != nil {
		return fmt.Errorf("%w: reading stylesheet: %w", ErrInvalid, err)
	}
	c.xsl = data
	return nil
}

// selfURL is the absolute URL at which the integrator serves path.
func (c *config) selfURL(path string) string { return SelfURL(c.site.PublicURL, path) }

// SelfURL is the absolute URL of the feed file path served under
// publicURL, with each segment percent-encoded: the feed's self link, and
// its topic for a WebSub hub.
func SelfURL(publicURL, path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return trimSlash(publicURL) + "/feeds/" + strings.Join(segs, "/")
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
