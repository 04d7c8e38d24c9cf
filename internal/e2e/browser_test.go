package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium, skipping the test without it.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := need(t, "chromium", "chromium")
	profile, err := os.MkdirTemp("", "herald-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(profile) }) // best effort: Chromium's helpers may still write there
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true))
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestFeedInBrowser opens the feeds of `herald serve`, with all of its
// headers (the Content-Security-Policy among them), in Chromium: the
// stylesheet must run and show the post titles. It also opens the HTML
// view of the feeds, and follows the links to it from the styled feed and
// the home page.
func TestFeedInBrowser(t *testing.T) {
	s := newSite(t, "Field & Notes", "")
	s.writePost(t, "first.md", "Anchoring in practice", "2026-11-01T10:00:00Z", "Body one.")
	s.writePost(t, "second.md", "Second thoughts <on> XSLT", "2026-11-02T10:00:00Z", "Body two.")
	s.serve(t)
	ctx := browser(t) // stopped before herald, which then need not wait for its connections
	titles := []string{"Anchoring in practice", "Second thoughts <on> XSLT"}
	for _, path := range []string{"/feeds/rss.xml", "/feeds/atom.xml"} {
		h1, text, view, err := pageFacts(ctx, s.url+path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if h1 != "Field & Notes" {
			t.Errorf("%s: the page's h1 is %q, want the site title: the stylesheet did not run\npage text: %.300q", path, h1, text)
		}
		for _, title := range titles {
			if !strings.Contains(text, title) {
				t.Errorf("%s: the page does not show %q:\n%.500s", path, title, text)
			}
		}
		if view != s.url+"/feeds/" {
			t.Errorf("%s: the styled page links to the HTML view at %q, want %s/feeds/", path, view, s.url)
		}
	}
	_, _, fromHome, err := pageFacts(ctx, s.url+"/")
	if err != nil {
		t.Fatal(err)
	}
	_, text, _, err := pageFacts(ctx, s.url+"/feeds/")
	if err != nil {
		t.Fatal(err)
	}
	if fromHome != s.url+"/feeds/" {
		t.Errorf("the home page links to the feeds view at %q, want %s/feeds/", fromHome, s.url)
	}
	for _, want := range append(titles, s.url+"/feeds/rss.xml", s.url+"/feeds/atom.xml", s.url+"/feeds/feed.json") {
		if !strings.Contains(text, want) {
			t.Errorf("the feeds view does not show %q:\n%.800s", want, text)
		}
	}
}

// pageFacts opens url and returns its h1, its text and the address of its
// link to the feeds view ("" when it has none).
func pageFacts(ctx context.Context, url string) (h1, text, view string, err error) {
	if err = chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return
	}
	if h1, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("h1")?.textContent ?? ""`)); err != nil {
		return
	}
	if text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body?.innerText ?? ""`)); err != nil {
		return
	}
	view, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("a[href$='/feeds/']")?.href ?? ""`))
	return
}
