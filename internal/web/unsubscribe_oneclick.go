package web

import "net/http"

// answerOneClick answers an RFC 8058 one-click unsubscribe. Mail providers
// send it from their servers and read only the status.
func (s *Server) answerOneClick(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("unsubscribed\n"))
}
