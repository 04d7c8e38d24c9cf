package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// pageData is what every page template receives; each page uses the
// fields it needs.
type pageData struct {
	Lang    string
	Base    string // path prefix of herald's URLs, "" at the root
	Site    Site
	Heading string // error page
	Message string // error page; status line on preferences
	Action  string // the URL a page's form posts to
	Name    string
	Feeds   []feedLink
	// FeedsView is the address of the HTML view of the feeds; "" when
	// the build wrote none.
	FeedsView string
	Posts     []postLink
	Topics    []topicChoice
	// Form is what a refused subscribe form held, to fill it in again;
	// nil on other pages.
	Form *subscribeInput
}

// userError is what a person reads when a request fails: never the
// internal cause, which goes to the log.
type userError struct{ heading, message string }

var (
	errBadLink      = userError{"This link is not valid", "The link is incomplete or was changed. Copy the whole link from the email, or subscribe again."}
	errExpiredLink  = userError{"This link has expired", "Confirmation links work for a limited time. Subscribe again to get a new one."}
	errGoneLink     = userError{"This link is no longer valid", "The subscription it belonged to no longer exists. Subscribe again if you wish."}
	errTooLarge     = userError{"Request too large", "The form sent more data than this site accepts."}
	errTooMany      = userError{"Too many requests", "Please wait a while before trying again."}
	errForbidden    = userError{"Request refused", "This form may only be sent from the site it belongs to."}
	errNotFound     = userError{"Page not found", "There is nothing at this address."}
	errMethod       = userError{"Method not allowed", "This address does not answer this kind of request."}
	errInternal     = userError{"Something went wrong", "An internal error stopped this request. Please try again later."}
	errNoFormFields = userError{"Request not understood", "The form could not be read."}
)

// data returns the page data common to every page.
func (s *Server) data() pageData {
	c := s.cfg.Load()
	return pageData{Lang: c.Site.Language, Base: c.base, Site: c.Site}
}

// render writes page name with status; a template failure becomes a
// plain 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	body, err := s.cfg.Load().views.page(name, d)
	if err != nil {
		s.log.Error("Render page failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// fail logs cause (when not nil) and answers the error page with status.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, ue userError, cause error) {
	if cause != nil {
		level := s.log.Info
		if status >= 500 {
			level = s.log.Error
		}
		level("Request failed", "method", r.Method, "status", status, "err", cause)
	}
	d := s.data()
	d.Heading, d.Message = ue.heading, ue.message
	s.render(w, r, status, "error", d)
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v) // maps and structs of strings cannot fail
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowed(r); allow != "" {
		w.Header().Set("Allow", allow)
		s.fail(w, r, http.StatusMethodNotAllowed, errMethod, nil)
		return
	}
	s.fail(w, r, http.StatusNotFound, errNotFound, nil)
}

// allowed lists the methods that a route other than the catch-all answers
// at r's path ("GET, HEAD, POST"), "" when there is none: r's path is then
// unknown, not r's method wrong.
func (s *Server) allowed(r *http.Request) string {
	var methods []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			methods = append(methods, m)
		}
	}
	return strings.Join(methods, ", ")
}

func (s *Server) serveStyle(w http.ResponseWriter, r *http.Request) {
	v := s.cfg.Load().views
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("ETag", v.cssETag)
	if r.Header.Get("If-None-Match") == v.cssETag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(v.css)))
	w.Write(v.css)
}

// readForm parses the POST form of r; on failure it answers 400, or 413
// for a body over the limit, and returns false.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) bool {
	err := parseForm(r)
	if err == nil {
		return true
	}
	status, ue := http.StatusBadRequest, errNoFormFields
	if isTooLarge(err) {
		status, ue = http.StatusRequestEntityTooLarge, errTooLarge
	}
	s.fail(w, r, status, ue, err)
	return false
}
