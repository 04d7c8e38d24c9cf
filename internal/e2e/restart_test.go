package e2e

import (
	"net/http"
	"testing"
)

// TestValidatorsSurviveRestart: a restart of herald serve on the same
// posts writes no feed again, so every feed keeps its ETag and
// Last-Modified, and a reader's conditional request still gets a 304.
// (Were a feed rewritten, its Last-Modified would move on by a second at
// least, so the test needs no waiting.)
func TestValidatorsSurviveRestart(t *testing.T) {
	s := newSite(t, "Field Notes", "")
	s.writePost(t, "old.md", "Old post", "2026-11-01T10:00:00Z", "The first words.")
	s.writePost(t, "newest.md", "Newest post", "2026-11-10T10:00:00Z", "The latest words.")
	stop := s.serve(t)
	paths := []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json", "/feeds/"}
	before := map[string]http.Header{}
	for _, p := range paths {
		before[p] = s.head(t, p, nil).Header
	}
	stop()
	s.serve(t)
	for _, p := range paths {
		h := s.head(t, p, nil).Header
		for _, name := range []string{"ETag", "Last-Modified"} {
			if h.Get(name) != before[p].Get(name) {
				t.Errorf("%s: %s %q after the restart, %q before", p, name, h.Get(name), before[p].Get(name))
			}
		}
		if res := s.head(t, p, http.Header{"If-Modified-Since": {before[p].Get("Last-Modified")}}); res.StatusCode != 304 {
			t.Errorf("%s: If-Modified-Since of before the restart: %d, want 304", p, res.StatusCode)
		}
		if res := s.head(t, p, http.Header{"If-None-Match": {before[p].Get("ETag")}}); res.StatusCode != 304 {
			t.Errorf("%s: If-None-Match of before the restart: %d, want 304", p, res.StatusCode)
		}
	}
}

// head sends HEAD path with header and returns the response.
func (s *site) head(t *testing.T, path string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodHead, s.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultTransport.RoundTrip(req) // no transparent gzip: the identity representation
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}
