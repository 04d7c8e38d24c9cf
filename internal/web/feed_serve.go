package web

import (
	"github.com/heraldhq/herald/internal/feed"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serveFeed answers GET and HEAD for a feed file from memory, with
// validators, 304s and a gzip copy made on the first request for it.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request) {
	e, ok := s.feeds.Load().files[r.PathValue("path")]
	if !ok {
		s.fail(w, r, http.StatusNotFound, errNotFound, nil)
		return
	}
	body, etag := e.data, e.etag
	h := w.Header()
	h.Set("Vary", "Accept-Encoding, Accept")
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if gz := e.gzipped(); gz != nil {
			body, etag = gz, e.gzETag
			h.Set("Content-Encoding", "gzip")
		}
	}
	// Browsers get RSS and Atom as application/xml so that they apply
	// style.xsl; feed readers get the feed types.
	h.Set("Content-Type", feed.NegotiateType(e.contentType, r.Header.Get("Accept")))
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", etag)
	h.Set("Last-Modified", e.lastModified)
	if notModified(r, e) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified applies RFC 9110 section 13.2.2: If-None-Match when present
// (weak comparison, either encoding's tag; the gzip tag only when a gzip
// copy is served), else If-Modified-Since.
func notModified(r *http.Request, e *feedEntry) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == e.etag || (tag == e.gzETag && e.gzipped() != nil) {
				return true
			}
		}
		return false
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !e.modified.After(ims.Truncate(time.Second))
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip
// ("gzip" or "*" without q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
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
