package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestHandler(t *testing.T) {
	file := filepath.Join(t.TempDir(), "rss.xml")
	if err := os.WriteFile(file, []byte("<rss></rss>"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, tag, err := newHandler(file, true)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, ifNoneMatch string
		status            int
		body              string
	}{
		{"full", "", http.StatusOK, "<rss></rss>"},
		{"matching tag", tag, http.StatusNotModified, ""},
		{"other tag", `"other"`, http.StatusOK, "<rss></rss>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/feeds/rss.xml", nil)
			if tc.ifNoneMatch != "" {
				req.Header.Set("If-None-Match", tc.ifNoneMatch)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status || rec.Body.String() != tc.body || rec.Header().Get("ETag") != tag {
				t.Fatalf("got %d %q etag %s, want %d %q etag %s", rec.Code, rec.Body, rec.Header().Get("ETag"), tc.status, tc.body, tag)
			}
		})
	}
}

func TestHandlerMissingFile(t *testing.T) {
	if _, _, err := newHandler(filepath.Join(t.TempDir(), "nope.xml"), true); err == nil {
		t.Fatal("no error for a missing file")
	}
}
