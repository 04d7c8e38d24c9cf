package feed

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium returns the browser's path, skipping the test when there is none
// (failing under CI=true, where it must be installed).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; CI must install it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; install it to check the feed stylesheet in a browser")
	return ""
}

// TestStylesheetInBrowser serves the built feeds over HTTP, with the content
// type NegotiateType gives a browser, and opens the RSS and Atom files in
// headless Chromium, which applies style.xsl.
func TestStylesheetInBrowser(t *testing.T) {
	browser := chromium(t)
	files := byPath(buildFixture(t, awkwardFixture()))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[strings.TrimPrefix(r.URL.Path, "/feeds/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", NegotiateType(f.ContentType, r.Header.Get("Accept")))
		w.Write(f.Data)
	}))
	defer srv.Close()
	// Not t.TempDir: Chromium's children may still write there for a moment
	// after it stops, so removal is best effort.
	dir, err := os.MkdirTemp("", "herald-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(dir))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	for _, name := range []string{"rss.xml", "atom.xml", "tags/go/atom.xml"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/feeds/"+name)); err != nil {
			t.Fatalf("%s: opening in chromium: %v", name, err)
		}
		qctx, qcancel := context.WithTimeout(ctx, 20*time.Second)
		page, err := chromedp.Run(qctx, chromedp.Evaluate[string](
			`(document.querySelector("h1")?.textContent ?? "") + "\n" + (document.querySelector("ol")?.textContent ?? document.body?.textContent.slice(0, 300))`))
		qcancel()
		if err != nil {
			t.Fatalf("%s: reading the page: %v", name, err)
		}
		h1, list, _ := strings.Cut(page, "\n")
		if !strings.HasPrefix(h1, "Field & Notes") || !strings.Contains(list, "Ends ]]> early") {
			t.Errorf("%s: page shows h1 %q and list %q; want the site title and the items", name, h1, list)
		}
	}
}
