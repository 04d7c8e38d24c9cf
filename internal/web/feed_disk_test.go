package web

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/feed"
)

// writeFeeds writes testFeeds, their bytes made long enough to compress,
// with a feed.Writer into dir and returns them as BuildTo does: no Data,
// the disk fields set. Each file's bytes are returned by path.
func writeFeeds(t *testing.T, w *feed.Writer, extra string) ([]feed.File, map[string]string) {
	t.Helper()
	files := testFeeds()
	bodies := map[string]string{}
	for i := range files {
		files[i].Data = append(files[i].Data, strings.Repeat("<!-- padding "+extra+" -->\n", 100)...)
		files[i].Modified = time.Time{}
		bodies[files[i].Path] = string(files[i].Data)
	}
	if _, _, _, err := w.Write(files); err != nil {
		t.Fatal(err)
	}
	for i := range files {
		files[i].Data = nil
	}
	return files, bodies
}

// TestServeFeedFromDisk checks files served from disk against the same
// bytes served from memory: same body, same validators, and the gzip copy
// written beside the file sent as it is.
func TestServeFeedFromDisk(t *testing.T) {
	dir := t.TempDir()
	files, bodies := writeFeeds(t, feed.NewWriter(dir), "")
	disk, mem := newEnv(t, nil), newEnv(t, nil)
	disk.srv.SetFeeds(files)
	inMemory := testFeeds()
	for i := range inMemory {
		inMemory[i].Data, inMemory[i].Modified = []byte(bodies[inMemory[i].Path]), files[i].Modified
	}
	mem.srv.SetFeeds(inMemory)
	for _, f := range files {
		url := "/feeds/" + f.Path
		res, body := disk.do(t, "GET", url, nil, nil)
		want, _ := mem.do(t, "GET", url, nil, nil)
		if res.StatusCode != 200 || body != bodies[f.Path] {
			t.Fatalf("%s: status %d, body differs from the file: %t", url, res.StatusCode, body != bodies[f.Path])
		}
		for _, h := range []string{"ETag", "Last-Modified", "Content-Type", "Content-Length", "Vary", "Cache-Control"} {
			if res.Header.Get(h) != want.Header.Get(h) {
				t.Errorf("%s: %s %q from disk, %q from memory", url, h, res.Header.Get(h), want.Header.Get(h))
			}
		}
		gz, gzBody := disk.do(t, "GET", url, nil, http.Header{"Accept-Encoding": {"gzip"}})
		onDisk, err := os.ReadFile(f.Disk + feed.GzSuffix)
		if err != nil {
			t.Fatal(err)
		}
		if gz.Header.Get("Content-Encoding") != "gzip" || gzBody != string(onDisk) {
			t.Errorf("%s with gzip: Content-Encoding %q; body is the .gz on disk: %t", url, gz.Header.Get("Content-Encoding"), gzBody == string(onDisk))
		}
		memGz, _ := mem.do(t, "GET", url, nil, http.Header{"Accept-Encoding": {"gzip"}})
		if memGz.Header.Get("Content-Encoding") == "gzip" && gz.Header.Get("ETag") != memGz.Header.Get("ETag") {
			t.Errorf("%s with gzip: ETag %q from disk, %q from memory", url, gz.Header.Get("ETag"), memGz.Header.Get("ETag"))
		}
		if nm, _ := disk.do(t, "GET", url, nil, http.Header{"If-None-Match": {res.Header.Get("ETag")}}); nm.StatusCode != 304 {
			t.Errorf("%s: If-None-Match of the identity gave %d, want 304", url, nm.StatusCode)
		}
		if nm, _ := disk.do(t, "GET", url, nil, http.Header{"If-None-Match": {gz.Header.Get("ETag")}, "Accept-Encoding": {"gzip"}}); nm.StatusCode != 304 {
			t.Errorf("%s: If-None-Match of the gzip copy gave %d, want 304", url, nm.StatusCode)
		}
		if head, body := disk.do(t, "HEAD", url, nil, nil); head.StatusCode != 200 || body != "" || head.ContentLength != int64(len(bodies[f.Path])) {
			t.Errorf("HEAD %s: %d, %d bytes of body, Content-Length %d", url, head.StatusCode, len(body), head.ContentLength)
		}
	}
}

// TestServeFeedFromDiskNeverMixesVersions: when a rebuild has replaced a
// file on disk but not yet handed the server its entry, a request waits for
// the new entry and gets the new bytes with their own validators, never
// the new bytes under the old ETag and length; a request served from a
// reader kept open by an earlier one gets the old bytes with the old
// validators, as the server still stands.
func TestServeFeedFromDiskNeverMixesVersions(t *testing.T) {
	dir := t.TempDir()
	w := feed.NewWriter(dir)
	clock := time.Now()
	w.SetClock(func() time.Time { return clock })
	old, oldBodies := writeFeeds(t, w, "")
	e := newEnv(t, nil)
	e.srv.SetFeeds(old)
	identity := http.Header{"Accept-Encoding": {"identity"}}
	kept, _ := e.do(t, "GET", "/feeds/feed.xml", nil, identity) // leaves a reader of the old file open

	clock = clock.Add(time.Minute)
	next, bodies := writeFeeds(t, w, "edited, and longer")
	if res, body := e.do(t, "GET", "/feeds/feed.xml", nil, identity); body != oldBodies["feed.xml"] || res.Header.Get("ETag") != kept.Header.Get("ETag") {
		t.Errorf("from a kept reader: %d bytes (old %d) with ETag %s (old %s): want the old bytes and ETag",
			len(body), len(oldBodies["feed.xml"]), res.Header.Get("ETag"), kept.Header.Get("ETag"))
	}
	done := make(chan struct{})
	var res *http.Response
	var body string
	go func() {
		defer close(done)
		res, body = e.do(t, "GET", "/feeds/atom.xml", nil, identity) // never asked for: no reader kept
	}()
	select {
	case <-done:
		t.Fatalf("answered before the server had the new feeds: ETag %s, %d bytes", res.Header.Get("ETag"), len(body))
	case <-time.After(100 * time.Millisecond):
	}
	e.srv.SetFeeds(next)
	<-done
	if body != bodies["atom.xml"] {
		t.Fatalf("got %d bytes, want the new file's %d", len(body), len(bodies["atom.xml"]))
	}
	if res.ContentLength != int64(len(body)) {
		t.Errorf("new bytes with Content-Length %d", res.ContentLength)
	}
	if got, _ := e.do(t, "GET", "/feeds/atom.xml", nil, identity); got.Header.Get("ETag") != res.Header.Get("ETag") {
		t.Errorf("the next request has ETag %s, the waiting one got %s", got.Header.Get("ETag"), res.Header.Get("ETag"))
	}
	// Once the server has the new entries, the kept reader of the old file is gone.
	if got, body := e.do(t, "GET", "/feeds/feed.xml", nil, identity); body != bodies["feed.xml"] || got.Header.Get("ETag") == kept.Header.Get("ETag") {
		t.Errorf("after SetFeeds: %d bytes with ETag %s, want the new file's %d bytes and another ETag", len(body), got.Header.Get("ETag"), len(bodies["feed.xml"]))
	}
}
