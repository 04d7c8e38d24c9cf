package web

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heraldhq/herald/internal/subscriber"
)

const chromiumPath = "/usr/bin/chromium"

// browser starts headless Chromium for the test. Without it the test is
// skipped, or fails when CI=true.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required in CI: %v", err)
		}
		t.Skipf("no %s: install it with `apt-get install -y chromium` to run the browser test", chromiumPath)
	}
	profile, err := os.MkdirTemp("", "herald-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeProfile(t, profile) })
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-default-browser-check", true))
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// removeProfile deletes Chromium's profile folder. Its helper processes can
// write there for a moment after the browser exits, so a failed removal is
// retried a few times (this waits on Chromium, not on herald's clock).
func removeProfile(t *testing.T, dir string) {
	var err error
	for range 20 {
		if err = os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("Leaving the Chromium profile %s: %v", dir, err)
}

// artifacts returns the folder for screenshots: $HERALD_TEST_ARTIFACTS
// when set, else a temporary folder.
func artifacts(t *testing.T) string {
	dir := os.Getenv("HERALD_TEST_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// viewports are the sizes each screenshot is taken at.
var viewports = []struct {
	name          string
	width, height int64
}{{"phone", 390, 844}, {"desktop", 1280, 800}}

// screenshots saves the current page at every viewport as <name>-<viewport>.png.
func screenshots(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	for _, vp := range viewports {
		err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height))
		var png []byte
		if err == nil {
			png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		}
		if err != nil {
			t.Fatalf("screenshot %s at %s: %v", name, vp.name, err)
		}
		path := filepath.Join(dir, name+"-"+vp.name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("Screenshot %s", path)
	}
}

func TestBrowserSubscribeFlow(t *testing.T) {
	ctx := browser(t)
	dir := artifacts(t)
	e := newEnv(t, nil)
	e.srv.SetFeeds(testFeeds())
	e.srv.SetPosts(testPosts())
	wantStatus := func(step string, want subscriber.Status) {
		t.Helper()
		if got := e.subscriberByEmail(t, "browser@example.org").Status; got != want {
			t.Fatalf("after %s: status %s, want %s", step, got, want)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("email"))); err != nil {
		t.Fatalf("open home: %v", err)
	}
	screenshots(t, ctx, dir, "subscribe")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("email"), "browser@example.org"),
		chromedp.SendKeys(chromedp.ID("name"), "Browser Reader"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(`//h1[contains(., "Check your inbox")]`))
	if err != nil {
		t.Fatalf("submit the form: %v", err)
	}
	screenshots(t, ctx, dir, "subscribe-done")
	wantStatus("subscribe", subscriber.Pending)

	e.drainQueue(t) // as the daemon's sender would
	mails := e.emails(t)
	if len(mails) != 1 {
		t.Fatalf("want one confirmation email, got %d", len(mails))
	}
	err = chromedp.Do(ctx, chromedp.Navigate(link(t, mails[0], "confirm")),
		chromedp.WaitVisible(`//button[contains(., "Confirm my subscription")]`))
	if err != nil {
		t.Fatalf("open the confirmation link: %v", err)
	}
	screenshots(t, ctx, dir, "confirm")
	wantStatus("opening the confirmation link", subscriber.Pending)

	err = chromedp.Do(ctx, chromedp.Click(`//button[contains(., "Confirm my subscription")]`),
		chromedp.WaitVisible(`//h1[contains(., "You are subscribed")]`))
	if err != nil {
		t.Fatalf("press confirm: %v", err)
	}
	screenshots(t, ctx, dir, "confirmed")
	wantStatus("pressing confirm", subscriber.Active)

	sub := e.subscriberByEmail(t, "browser@example.org")
	res, body := e.do(t, "POST", subscriber.UnsubscribeURL(e.ts.URL, e.signer, sub), strings.NewReader("List-Unsubscribe=One-Click"),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d %s", res.StatusCode, body)
	}
	wantStatus("one-click unsubscribe", subscriber.Unsubscribed)
}
