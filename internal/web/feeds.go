package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldhq/herald/internal/feed"
)

// feedSet is one generation of served feed files. Immutable.
type feedSet struct {
	files map[string]*feedEntry // by feed.File.Path
	links []feedLink            // top-level RSS, Atom and JSON feeds, for the home page
	// replaced is closed when SetFeeds replaces the set: a request that
	// found a file on disk newer than its entry waits for it (see sendDisk).
	replaced  chan struct{}
	closeOnce sync.Once // SetFeeds may run on several goroutines at once
}

func newFeedSet(n int) *feedSet {
	return &feedSet{files: make(map[string]*feedEntry, n), replaced: make(chan struct{})}
}

// eagerGzip is the size up to which SetFeeds compresses a file at once:
// small files cost little, and a large one waits for its first request.
const eagerGzip = 16 << 10

// feedEntry is a file ready to serve: its headers are computed once per
// SetFeeds, not per request, and the gzip copy of a large file in the
// background after the first request that accepts gzip (a rebuild that
// changes many files compresses none of them until they are asked for, and
// no request waits for a compression). An entry whose bytes did not change is kept,
// with its gzip copy, by the next SetFeeds.
type feedEntry struct {
	contentType  string
	data         []byte
	etag         [2][2]string // strong, from the SHA-256 of data; by [gzip][browser type]: see tagOf
	lastModified string       // http.TimeFormat
	modified     time.Time

	gzOnce sync.Once
	gz     atomic.Pointer[gzCopy] // nil until compressed; see gzipped
	gzDone chan struct{}          // closed once gz is set

	// Header values, built once (see fixedHeaders): fixed holds Vary,
	// Content-Type (for feed readers), Cache-Control and Last-Modified.
	fixed   fixedHeaders
	etagH   [2][2][]string // by [gzip][browser type], like etag
	lengthH []string

	dataFile, gzFile sendable // see sendable

	// A file served from disk (feed.File with Disk set and Data nil): its
	// bytes stay in the page cache, not in the heap. data is nil then.
	disk      string    // the file; its gzip copy is disk+feed.GzSuffix
	size      int64     // its length, and mtime its exact mtime: a request checks both
	mtime     time.Time // before sending, so a file replaced since is never sent with these headers
	sum       [32]byte  // SHA-256 of the bytes
	gzSize    int64     // length of the gzip copy on disk; 0 when there is none
	gzLengthH []string
	idPool    diskPool // idle readers of the file and of its gzip copy
	gzPool    diskPool
	retired   atomic.Bool // SetFeeds no longer serves the entry: readers are closed, not kept
}

// zeroCopyMin is the body size from which a request sends the body with
// sendfile(2) from a memory file (memFile) rather than copying it into the
// socket: below it, opening the file costs more than the copy saves.
const zeroCopyMin = 32 << 10

// sendable is the memory file of one body, made on the first request that
// sends the body; nil when the body is small or the system has no memory
// files, and the body is then written from memory.
type sendable struct {
	once sync.Once
	file *memFile
}

// memFile returns the memory file holding data, making it on first use.
// Safe for concurrent use.
func (s *sendable) memFile(data []byte) *memFile {
	if len(data) < zeroCopyMin {
		return nil
	}
	s.once.Do(func() {
		if f, err := newMemFile(data); err == nil {
			s.file = f
		}
	})
	return s.file
}

// gzCopy is the gzip copy of a feed, or, with nil data, the finding that
// compression does not pay.
type gzCopy struct {
	data    []byte
	lengthH []string
}

// gzipped returns the gzip copy of the data when it is ready; nil while it
// is being made, or when compression does not pay (the identity body is
// served then). The first call starts compressing in the background: a
// request never waits for the compression of a large body. Safe for
// concurrent use.
func (e *feedEntry) gzipped() ([]byte, []string) {
	if c := e.gz.Load(); c != nil {
		return c.data, c.lengthH
	}
	e.gzOnce.Do(func() { go e.compress(gzip.DefaultCompression, true) })
	return nil, nil
}

// compress makes the gzip copy at level, one large file at a time when
// queued (so that many first requests cannot take every core).
func (e *feedEntry) compress(level int, queued bool) {
	if queued {
		gzipSlots <- struct{}{}
		defer func() { <-gzipSlots }()
	}
	c := &gzCopy{}
	if gz := gzipBytes(e.data, level); len(gz) < len(e.data) {
		c.data, c.lengthH = gz, []string{strconv.Itoa(len(gz))}
	}
	e.gz.Store(c)
	close(e.gzDone)
}

// gzipSlots bounds the background compressions running at once.
var gzipSlots = make(chan struct{}, 1)

// feedLink is a feed offered on the home page. URL is relative to
// PublicURL in a feedSet, absolute once given to a page. TypeAttr is a
// whole type="..." attribute, so html/template does not escape the "+" of
// the media type (autodiscovery scripts compare it as text).
type feedLink struct {
	Label, URL string
	TypeAttr   template.HTMLAttr
}

// SetFeeds replaces the served feeds with files, which must not be
// modified afterwards. A file with a zero Modified is stamped with the
// time of the call. Files whose bytes did not change keep their ETag.
func (s *Server) SetFeeds(files []feed.File) {
	now := s.now()
	old := s.feeds.Load()
	next := newFeedSet(len(files))
	for _, f := range files {
		next.files[f.Path] = reuseEntry(old, f, now)
	}
	next.links = feedLinks(files)
	s.feeds.Store(next)
	old.closeOnce.Do(func() { close(old.replaced) })
	for p, e := range old.files {
		if next.files[p] != e {
			e.retire()
		}
	}
}

// reuseEntry returns old's entry for f when the bytes are the same slice
// or equal, else a freshly computed one.
func reuseEntry(old *feedSet, f feed.File, now time.Time) *feedEntry {
	e, ok := old.files[f.Path]
	if f.Data == nil && f.Disk != "" {
		if ok && e.disk == f.Disk && e.contentType == f.ContentType && e.sum == f.Sum && e.size == f.Size &&
			e.gzSize == f.GzSize && e.mtime.Equal(f.Modified) {
			return e
		}
		return newDiskEntry(f)
	}
	if ok && e.disk == "" && e.contentType == f.ContentType && bytes.Equal(e.data, f.Data) &&
		(f.Modified.IsZero() || e.modified.Equal(f.Modified)) {
		return e
	}
	return newFeedEntry(f, now)
}

// feedPolicy is the Content-Security-Policy of feed files, in place of the
// pages' policy: a browser opening a feed may load its stylesheet,
// style.xsl from the same origin (CSP counts an XSLT stylesheet as a
// script), and the inline styles of the page the stylesheet makes; nothing
// else, and no other page may frame it. viewPolicy, for the HTML view of
// the feeds, allows only its inline styles.
const (
	feedPolicy = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	viewPolicy = "default-src 'none'; style-src 'unsafe-inline'; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

// policyOf is the Content-Security-Policy of a file of contentType served
// under /feeds/.
func policyOf(contentType string) string {
	if contentType == feed.TypeRSS || contentType == feed.TypeAtom {
		return feedPolicy
	}
	return viewPolicy
}

func newFeedEntry(f feed.File, now time.Time) *feedEntry {
	mod := f.Modified
	if mod.IsZero() {
		mod = now
	}
	e := newEntry(f.ContentType, sha256.Sum256(f.Data), len(f.Data), mod)
	e.data = f.Data
	if len(f.Data) <= eagerGzip {
		e.gzOnce.Do(func() { e.compress(gzip.BestCompression, false) })
	}
	return e
}

// newDiskEntry is the entry of a file written to disk with its gzip copy
// (see feed.Builder.BuildTo): only its validators, headers and path are
// kept, and each request sends the file from the page cache.
func newDiskEntry(f feed.File) *feedEntry {
	e := newEntry(f.ContentType, f.Sum, int(f.Size), f.Modified)
	e.disk, e.size, e.mtime, e.sum, e.gzSize = f.Disk, f.Size, f.Modified, f.Sum, f.GzSize
	if f.GzSize > 0 {
		e.gzLengthH = []string{strconv.FormatInt(f.GzSize, 10)}
	}
	return e
}

// newEntry makes the validators and fixed headers of a body with SHA-256
// sum and length size, last changed at mod.
func newEntry(contentType string, sum [32]byte, size int, mod time.Time) *feedEntry {
	mod = mod.UTC().Truncate(time.Second)
	tag := base64.RawURLEncoding.EncodeToString(sum[:18])
	e := &feedEntry{contentType: contentType, sum: sum, modified: mod, lastModified: mod.Format(http.TimeFormat)}
	for gz, enc := range []string{"", "-gz"} {
		for browser, typ := range []string{"", "-x"} {
			e.etag[gz][browser] = `"` + tag + enc + typ + `"`
			e.etagH[gz][browser] = []string{e.etag[gz][browser]}
		}
	}
	vary := "Accept-Encoding"
	if feed.NegotiateType(contentType, "text/html") != contentType {
		vary = "Accept-Encoding, Accept" // browsers get another type
	}
	e.fixed = newFixedHeaders("Vary", vary, "Content-Type", e.contentType,
		"Cache-Control", "public, max-age=300", "Last-Modified", e.lastModified,
		"Content-Security-Policy", policyOf(contentType))
	e.lengthH = []string{strconv.Itoa(size)}
	e.gzDone = make(chan struct{})
	return e
}

func gzipBytes(data []byte, level int) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, level) // the levels used are valid
	zw.Write(data)                            // writes to a bytes.Buffer do not fail
	zw.Close()
	return buf.Bytes()
}

// feedLinks lists the top-level feeds (not per tag or author) in a fixed
// order: RSS, Atom, JSON Feed.
func feedLinks(files []feed.File) []feedLink {
	var links []feedLink
	for _, kind := range []struct{ prefix, label string }{
		{"application/rss+xml", "RSS"}, {"application/atom+xml", "Atom"}, {"application/feed+json", "JSON Feed"},
	} {
		for _, f := range files {
			if !strings.Contains(f.Path, "/") && strings.HasPrefix(f.ContentType, kind.prefix) {
				links = append(links, feedLink{Label: kind.label, URL: "/feeds/" + f.Path,
					TypeAttr: template.HTMLAttr(`type="` + kind.prefix + `"`)}) // constant media types: safe
			}
		}
	}
	return links
}
