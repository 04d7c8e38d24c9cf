package web

import (
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldhq/herald/internal/feed"
)

// serveFeed answers GET and HEAD for a feed file, with validators and 304s:
// from the file herald wrote and its .gz copy (sendfile(2) from the page
// cache) when SetFeeds got it without Data, as the daemon gives it, else
// from memory, with a gzip copy made after the first request for it. The
// header values are built with the entry, so that a poll allocates little.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request) {
	path := r.PathValue("path")
	if path == "" {
		path = feed.IndexPath // /feeds/ is the HTML view of the feeds
	}
	s.serveFeedFrom(w, r, s.feeds.Load(), path, false)
}

// serveFeedFrom answers for path from set; retried is true when it does so
// again because the file on disk was newer than set's entry.
func (s *Server) serveFeedFrom(w http.ResponseWriter, r *http.Request, set *feedSet, path string, retried bool) {
	e, ok := set.files[path]
	if !ok {
		s.fail(w, r, http.StatusNotFound, errNotFound, nil)
		return
	}
	body, length, file := e.data, e.lengthH, &e.dataFile
	h := w.Header()
	e.fixed.set(h)
	gz, browser := 0, 0
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if e.disk != "" {
			if e.gzSize > 0 {
				length, gz = e.gzLengthH, 1
				h["Content-Encoding"] = gzipH
			}
		} else if z, zLength := e.gzipped(); z != nil {
			body, length, file, gz = z, zLength, &e.gzFile, 1
			h["Content-Encoding"] = gzipH
		}
	}
	// Browsers get RSS and Atom as application/xml so that they apply
	// style.xsl; feed readers get the feed types. Each of the four
	// representations has its own ETag.
	if ct := feed.NegotiateType(e.contentType, r.Header.Get("Accept")); ct != e.contentType {
		h.Set("Content-Type", ct)
		browser = 1
	}
	// A client that holds the identity body, still current, gets a 304
	// for it rather than the gzip body: the first requests for a large
	// feed get the identity body while its gzip copy is being made.
	if inm := r.Header.Values("If-None-Match"); gz == 1 && matchesTag(inm, e.etag[0][browser]) && !matchesTag(inm, e.etag[1][browser]) {
		gz = 0
		delete(h, "Content-Encoding")
	}
	h["Etag"] = e.etagH[gz][browser]
	if notModified(r, e.etag[gz][browser], e.modified) {
		delete(h, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if e.disk != "" {
		if !s.sendDisk(w, r, e, gz == 1, length) {
			s.serveNewer(w, r, set, path, retried)
		}
		return
	}
	h["Content-Length"] = length
	if r.Method != http.MethodHead {
		writeBody(w, body, file)
	}
}

// sendDisk sends the file of a disk entry (its gzip copy when gz) with
// sendfile(2) from the page cache, and reports whether it did. The file is
// checked against the entry (size and mtime) before the first byte: it is
// not sent when it was replaced since the entry was made (a rebuild writes
// the files before the server gets their entries), so a body never goes
// out with the headers of other bytes.
func (s *Server) sendDisk(w http.ResponseWriter, r *http.Request, e *feedEntry, gz bool, length []string) bool {
	f, err := e.openDisk(gz)
	if err != nil {
		return false
	}
	w.Header()["Content-Length"] = length
	if r.Method == http.MethodHead {
		e.release(f, gz)
		return true
	}
	// Limited to the file's checked length, as http.ServeFile does: net/http
	// then makes one sendfile(2) call for the body, not a second that
	// finds the end of the file.
	size := e.size
	if gz {
		size = e.gzSize
	}
	if _, err := io.Copy(w, io.LimitReader(f, size)); err != nil { // sendfile(2) through net/http's ReadFrom
		f.Close() // the client went away; the offset is unknown
		return true
	}
	e.release(f, gz)
	return true
}

// diskPool holds open, idle readers of one file of a disk entry, so that
// a request for a feed asked for often neither opens nor checks the file:
// it seeks back to the start of a reader an earlier request used. The
// readers see the bytes of the entry even after a rebuild renamed another
// file over the path (they hold the old one), until SetFeeds retires the
// entry and closes them.
type diskPool struct {
	once sync.Once
	free chan *os.File
}

// pooledFiles counts the idle readers of every entry; maxPooledFiles
// bounds them, so that a crawler fetching thousands of feeds leaves few
// files open.
var pooledFiles atomic.Int64

const maxPooledFiles, poolPerFile = 256, 32

func (e *feedEntry) pool(gz bool) *diskPool {
	p := &e.idPool
	if gz {
		p = &e.gzPool
	}
	p.once.Do(func() { p.free = make(chan *os.File, poolPerFile) })
	return p
}

// openDisk returns a reader at the start of the entry's file (its gzip
// copy when gz): an idle one, else the file opened and checked against
// the entry (size and mtime), failing when it was replaced since.
func (e *feedEntry) openDisk(gz bool) (*os.File, error) {
	select {
	case f := <-e.pool(gz).free:
		pooledFiles.Add(-1)
		if _, err := f.Seek(0, io.SeekStart); err == nil {
			return f, nil
		}
		f.Close()
	default:
	}
	path, size := e.disk, e.size
	if gz {
		path, size = e.disk+feed.GzSuffix, e.gzSize
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() != size || !info.ModTime().Equal(e.mtime) {
		f.Close()
		return nil, errReplaced
	}
	return f, nil
}

var errReplaced = errors.New("the file on disk is not the entry's")

// release keeps f for a later request, or closes it when the entry is
// retired or enough readers are kept.
func (e *feedEntry) release(f *os.File, gz bool) {
	if e.retired.Load() || pooledFiles.Add(1) > maxPooledFiles {
		pooledFiles.Add(-1)
		f.Close()
		return
	}
	select {
	case e.pool(gz).free <- f:
	default:
		pooledFiles.Add(-1)
		f.Close()
	}
}

// retire closes the idle readers of an entry SetFeeds no longer serves.
// A reader released after it is closed by its finalizer.
func (e *feedEntry) retire() {
	if e.disk == "" || e.retired.Swap(true) {
		return
	}
	for _, gz := range []bool{false, true} {
		p := e.pool(gz)
		for {
			select {
			case f := <-p.free:
				pooledFiles.Add(-1)
				f.Close()
				continue
			default:
			}
			break
		}
	}
}

// replacedWait is how long a request for a file replaced on disk waits
// for the server to get the new feeds, which follow the write within
// milliseconds unless the rebuild failed.
const replacedWait = 2 * time.Second

// serveNewer answers a request whose file on disk no longer matches the
// entry of set: once SetFeeds replaces set (or after replacedWait), from
// the new entry, else from the file as it is now (sendReplaced).
func (s *Server) serveNewer(w http.ResponseWriter, r *http.Request, set *feedSet, path string, retried bool) {
	if !retried {
		t := time.NewTimer(replacedWait)
		defer t.Stop()
		select {
		case <-set.replaced:
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		if next := s.feeds.Load(); next != set {
			h := w.Header()
			for _, k := range []string{"Vary", "Content-Type", "Cache-Control", "Last-Modified", "Etag", "Content-Encoding", "Content-Length"} {
				delete(h, k)
			}
			s.serveFeedFrom(w, r, next, path, true)
			return
		}
	}
	e, ok := set.files[path]
	if !ok || e.disk == "" {
		s.fail(w, r, http.StatusNotFound, errNotFound, nil)
		return
	}
	s.sendReplaced(w, r, e)
}

// sendReplaced sends the identity file of e as it is on disk now, with an
// ETag and Last-Modified of its bytes: the next SetFeeds brings the same.
func (s *Server) sendReplaced(w http.ResponseWriter, r *http.Request, e *feedEntry) {
	data, err := os.ReadFile(e.disk)
	info, serr := os.Stat(e.disk)
	if err != nil || serr != nil {
		s.fail(w, r, http.StatusNotFound, errNotFound, nil)
		return
	}
	now := newEntry(e.contentType, sha256.Sum256(data), len(data), info.ModTime())
	h := w.Header()
	delete(h, "Content-Encoding")
	browser := 0
	if h.Get("Content-Type") != e.contentType {
		browser = 1
	}
	h["Etag"] = now.etagH[0][browser]
	h["Last-Modified"] = []string{now.lastModified}
	if notModified(r, now.etag[0][browser], now.modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Length"] = now.lengthH
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// writeBody sends body: from its memory file with sendfile(2) when it has
// one and w takes a reader (io.ReaderFrom, as net/http's response does),
// else from memory.
func writeBody(w http.ResponseWriter, body []byte, file *sendable) {
	if mf := file.memFile(body); mf != nil {
		if rf, ok := w.(io.ReaderFrom); ok {
			if f, err := mf.open(); err == nil {
				if _, err := rf.ReadFrom(f); err != nil {
					f.Close() // its offset is unknown; the client has gone anyway
					return
				}
				mf.done(f)
				return
			}
		}
	}
	w.Write(body)
}

var gzipH = []string{"gzip"}

// gzReady reports whether the gzip copy exists (and pays).
func (e *feedEntry) gzReady() bool {
	c := e.gz.Load()
	return c != nil && c.data != nil
}

// notModified applies RFC 9110 section 13.2.2 to a representation with
// ETag etag, last changed at modified: If-None-Match when present (weak
// comparison, against this representation's tag only), else
// If-Modified-Since.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
		return matchesTag(inm, etag)
	}
	since := r.Header.Get("If-Modified-Since")
	if since == "" {
		return false
	}
	ims, err := http.ParseTime(since)
	return err == nil && !modified.After(ims.Truncate(time.Second))
}

// matchesTag reports whether the If-None-Match fields inm list etag or
// "*", compared weakly (W/ ignored).
func matchesTag(inm []string, etag string) bool {
	for _, field := range inm {
		for field != "" {
			var tag string
			tag, field, _ = strings.Cut(field, ",")
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == etag {
				return true
			}
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip
// ("gzip" or "*" without q=0).
func acceptsGzip(header string) bool {
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ",")
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		return !(strings.HasPrefix(q, "q=0") && strings.Trim(strings.TrimPrefix(q, "q="), "0.") == "")
	}
	return false
}
