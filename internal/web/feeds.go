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
	"time"

	"github.com/heraldhq/herald/internal/feed"
)

// feedSet is one generation of served feed files. Immutable.
type feedSet struct {
	files map[string]*feedEntry // by feed.File.Path
	links []feedLink            // top-level RSS, Atom and JSON feeds, for the home page
}

// eagerGzip is the size up to which SetFeeds compresses a file at once:
// small files cost little, and a large one waits for its first request.
const eagerGzip = 16 << 10

// feedEntry is a file ready to serve: its headers are computed once per
// SetFeeds, not per request, and its gzip copy on the first request that
// accepts gzip (a rebuild that changes many files compresses none of them
// until they are asked for). An entry whose bytes did not change is kept,
// with its gzip copy, by the next SetFeeds.
type feedEntry struct {
	contentType  string
	data         []byte
	etag, gzETag string // strong, from the SHA-256 of data; gzETag names the gzip copy
	lastModified string // http.TimeFormat
	modified     time.Time

	gzOnce sync.Once
	gz     []byte // see gzipped

	// Header values, built once (see fixedHeaders): fixed holds Vary,
	// Content-Type (for feed readers), Cache-Control and Last-Modified.
	fixed              fixedHeaders
	etagH, gzETagH     []string
	lengthH, gzLengthH []string // gzLengthH is set with gz

	dataFile, gzFile sendable // see sendable
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

// gzipped returns the gzip copy of the data, compressing it on first use;
// nil when compression does not pay (the identity body is served then).
// Safe for concurrent use.
func (e *feedEntry) gzipped() []byte {
	e.gzOnce.Do(func() {
		if gz := gzipBytes(e.data); len(gz) < len(e.data) {
			e.gz, e.gzLengthH = gz, []string{strconv.Itoa(len(gz))}
		}
	})
	return e.gz
}

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
	next := &feedSet{files: make(map[string]*feedEntry, len(files))}
	for _, f := range files {
		next.files[f.Path] = reuseEntry(old, f, now)
	}
	next.links = feedLinks(files)
	s.feeds.Store(next)
}

// reuseEntry returns old's entry for f when the bytes are the same slice
// or equal, else a freshly computed one.
func reuseEntry(old *feedSet, f feed.File, now time.Time) *feedEntry {
	if e, ok := old.files[f.Path]; ok && e.contentType == f.ContentType && bytes.Equal(e.data, f.Data) &&
		(f.Modified.IsZero() || e.modified.Equal(f.Modified)) {
		return e
	}
	return newFeedEntry(f, now)
}

func newFeedEntry(f feed.File, now time.Time) *feedEntry {
	mod := f.Modified
	if mod.IsZero() {
		mod = now
	}
	mod = mod.UTC().Truncate(time.Second)
	sum := sha256.Sum256(f.Data)
	tag := base64.RawURLEncoding.EncodeToString(sum[:18])
	e := &feedEntry{contentType: f.ContentType, data: f.Data, modified: mod,
		etag: `"` + tag + `"`, gzETag: `"` + tag + `-gz"`, lastModified: mod.Format(http.TimeFormat)}
	e.fixed = newFixedHeaders("Vary", "Accept-Encoding, Accept", "Content-Type", e.contentType,
		"Cache-Control", "public, max-age=300", "Last-Modified", e.lastModified)
	e.etagH, e.gzETagH = []string{e.etag}, []string{e.gzETag}
	e.lengthH = []string{strconv.Itoa(len(f.Data))}
	if len(f.Data) <= eagerGzip {
		e.gzipped()
	}
	return e
}

func gzipBytes(data []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	zw.Write(data)                                           // writes to a bytes.Buffer do not fail
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
