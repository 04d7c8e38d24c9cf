package web

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
)

// middleware wraps the route table in what every request gets: recovery,
// security headers and the body limit. Metrics and the access log are per
// route (instrument), so they name the pattern, never a token-bearing path.
func (s *Server) middleware(next http.Handler) http.Handler {
	return s.recoverPanics(s.secure(s.limitBody(next)))
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("Handler panicked", "method", r.Method, "err", fmt.Sprint(v))
			http.Error(w, "internal error", http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy forbids every external resource on herald's pages
// and limits where forms may post.
func contentSecurityPolicy(formOrigins []string) string {
	action := "'self'"
	for _, o := range formOrigins {
		action += " " + originOf(o)
	}
	return "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
		"form-action " + action + "; frame-ancestors 'none'; base-uri 'none'"
}

func securityHeaders(csp string) fixedHeaders {
	return newFixedHeaders(
		"Content-Security-Policy", csp,
		"X-Content-Type-Options", "nosniff",
		"Referrer-Policy", "no-referrer", // links carry tokens
		"X-Frame-Options", "DENY",
	)
}

func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.cfg.Load().security.set(w.Header())
		next.ServeHTTP(w, r)
	})
}

// fixedHeaders are header fields whose values never change, built once
// (canonical names, one-value slices) and set on a response without
// allocating.
type fixedHeaders []fixedHeader

type fixedHeader struct {
	name  string
	value []string // shared by every response and never modified; cap 1, so an Add copies
}

// newFixedHeaders takes name, value pairs.
func newFixedHeaders(pairs ...string) fixedHeaders {
	fh := make(fixedHeaders, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		fh = append(fh, fixedHeader{http.CanonicalHeaderKey(pairs[i]), []string{pairs[i+1]}})
	}
	return fh
}

// set replaces h's values of every field of fh.
func (fh fixedHeaders) set(h http.Header) {
	for _, f := range fh {
		h[f.name] = f.value
	}
}

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r) // nothing to limit (GET, HEAD)
			return
		}
		max := s.cfg.Load().MaxBodyBytes
		if r.ContentLength > max {
			s.fail(w, r, http.StatusRequestEntityTooLarge, errTooLarge,
				fmt.Errorf("read body: content length %d over %d", r.ContentLength, max))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// instrument counts and times requests to pattern and logs them at debug
// level. The series of GET requests answered 200 or 304, a feed reader's
// poll, are looked up once here rather than on every request.
func (s *Server) instrument(pattern string, next http.Handler) http.Handler {
	route := strings.TrimPrefix(pattern, "GET ")
	get200 := s.metrics.requests.WithLabelValues(http.MethodGet, route, "200")
	get304 := s.metrics.requests.WithLabelValues(http.MethodGet, route, "304")
	getTime := s.metrics.duration.WithLabelValues(http.MethodGet, route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		took := s.now().Sub(start)
		code := sw.Status()
		switch {
		case r.Method != http.MethodGet:
			method := methodLabel(r.Method)
			s.metrics.requests.WithLabelValues(method, route, statusLabel(code)).Inc()
			s.metrics.duration.WithLabelValues(method, route).Observe(took.Seconds())
		case code == http.StatusOK:
			get200.Inc()
			getTime.Observe(took.Seconds())
		case code == http.StatusNotModified:
			get304.Inc()
			getTime.Observe(took.Seconds())
		default:
			s.metrics.requests.WithLabelValues(http.MethodGet, route, statusLabel(code)).Inc()
			getTime.Observe(took.Seconds())
		}
		if s.log.Enabled(r.Context(), slog.LevelDebug) {
			s.log.LogAttrs(r.Context(), slog.LevelDebug, "HTTP request", slog.String("method", methodLabel(r.Method)),
				slog.String("route", route), slog.Int("status", code), slog.Int64("bytes", sw.bytes),
				slog.Duration("duration", took))
		}
	})
}

// methodLabel is the metrics label of an HTTP method: one of a fixed set,
// so that made-up methods cannot grow the number of series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost:
		return m
	}
	return "OTHER"
}

// statusLabel is the metrics label of a status code: the code itself for
// the codes net/http knows, "other" for the rest (a handler never sends
// one, but the label set stays bounded whatever happens).
func statusLabel(code int) string {
	if http.StatusText(code) == "" {
		return "other"
	}
	return strconv.Itoa(code)
}

// statusWriter remembers the status code and body size of a response.
type statusWriter struct {
	http.ResponseWriter
	code  int
	bytes int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom passes a body read from a file on to the response, so that
// net/http can send it with sendfile(2).
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(r)
	} else {
		n, err = io.Copy(struct{ io.Writer }{w.ResponseWriter}, r)
	}
	w.bytes += n
	return n, err
}

// Status is the code sent, 200 when the handler wrote nothing.
func (w *statusWriter) Status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// isTooLarge reports whether err comes from the body limit.
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
