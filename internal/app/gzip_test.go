package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDaemonWritesGzipCopies: the daemon serves a changed feed at once and
// writes its gzip copy right after, in its loop; from then on a client
// taking gzip gets that copy, which is the file on disk beside the feed
// and decompresses to the feed, after an edit too.
func TestDaemonWritesGzipCopies(t *testing.T) {
	cfg := testConfigWithPost(t)
	post := filepath.Join(filepath.Dir(cfg.File), "posts", "first.md")
	long := strings.Repeat("A sentence that feeds repeat, as posts do. ", 200)
	writeFile(t, post, "---\ntitle: First post\ndate: 2026-01-01\n---\n"+long+"\n")
	d, err := Start(context.Background(), cfg, Env{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { d.stopLoop(); d.Wait() }()
	get := func(encoding string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", "http://"+d.addr+"/feeds/rss.xml", nil)
		req.Header.Set("Accept-Encoding", encoding) // set by hand: the client leaves the body as sent
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, body
	}
	gzFile := filepath.Join(cfg.Feeds.OutputDir, "rss.xml.gz")
	check := func(want string) {
		t.Helper()
		var body []byte
		waitFor(t, "the gzip copy of rss.xml holding "+want, func() bool {
			var res *http.Response
			res, body = get("gzip")
			return res.Header.Get("Content-Encoding") == "gzip" && bytes.Contains(gunzipBytes(t, body), []byte(want))
		})
		onDisk, err := os.ReadFile(gzFile)
		if err != nil || !bytes.Equal(onDisk, body) {
			t.Fatalf("the gzip body is not rss.xml.gz on disk (%v)", err)
		}
		_, plain := get("identity")
		if !bytes.Equal(gunzipBytes(t, body), plain) {
			t.Fatal("rss.xml.gz does not decompress to rss.xml")
		}
	}
	check("First post")
	writeFile(t, post, "---\ntitle: Edited post\ndate: 2026-01-01\n---\n"+long+"\n")
	check("Edited post")
}

func gunzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	out, _ := io.ReadAll(zr)
	return out
}
