package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/testkit"
)

// minifluxInstall is how to install the Miniflux these tests run; `go
// install` names the binary miniflux.app after the module path, Debian's
// and the release builds name it miniflux.
const minifluxInstall = "GOFLAGS= go install miniflux.app/v2@v2.3.5"

// needMiniflux returns the path of a miniflux binary, skipping the test
// with how to install it when there is none (failing under CI=true).
func needMiniflux(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"miniflux", "miniflux.app"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("miniflux is required in CI (.ci/run installs it with `%s`)", minifluxInstall)
	}
	t.Skipf("miniflux is not installed: `%s` to run this test (it needs HERALD_TEST_POSTGRES too)", minifluxInstall)
	return ""
}

// miniflux is a running Miniflux, driven through its REST API as its
// admin user.
type miniflux struct {
	url, user, password string
	log                 *syncBuffer
}

// startMiniflux creates a database of its own for Miniflux on the
// HERALD_TEST_POSTGRES server, starts Miniflux on a free loopback port and
// waits until it answers /healthcheck. The test's cleanup stops it and
// drops the database.
func startMiniflux(t *testing.T, bin string) *miniflux {
	t.Helper()
	dsn := minifluxDatabase(t)
	addr := testkit.FreeAddr(t)
	m := &miniflux{url: "http://" + addr, user: "admin", password: randomHex(8), log: &syncBuffer{}}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dsn, "RUN_MIGRATIONS=1", "LISTEN_ADDR="+addr,
		"CREATE_ADMIN=1", "ADMIN_USERNAME="+m.user, "ADMIN_PASSWORD="+m.password,
		// Miniflux refuses to fetch loopback and private addresses unless
		// told otherwise (SSRF protection, checked when it dials); herald
		// serve listens on 127.0.0.1.
		"FETCHER_ALLOW_PRIVATE_NETWORKS=1",
		// No background polling: the test refreshes each feed through the
		// API, so that every request herald counts is one the test made.
		"DISABLE_SCHEDULER_SERVICE=1", "POLLING_FREQUENCY=1440",
		"LOG_LEVEL=debug")
	cmd.Stdout, cmd.Stderr = m.log, m.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		})
		if t.Failed() {
			t.Logf("miniflux's log:\n%s", m.log.String())
		}
	})
	waitHealthy(t, "miniflux", m.url+"/healthcheck", done, m.log.String)
	return m
}

// minifluxDatabase creates an empty database herald_miniflux_<random> on
// the HERALD_TEST_POSTGRES server, dropped when the test ends (after
// Miniflux stops, cleanups running last-in first-out), and returns its DSN.
func minifluxDatabase(t *testing.T) string {
	t.Helper()
	base := testkit.PostgresDSN(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to HERALD_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	name := "herald_miniflux_" + randomHex(6)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s for miniflux (the HERALD_TEST_POSTGRES role needs CREATEDB): %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	if !strings.HasPrefix(base, "postgres://") && !strings.HasPrefix(base, "postgresql://") {
		return base + " dbname=" + name
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse HERALD_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// api sends a request to Miniflux's REST API with in as its JSON body (when
// not nil), decodes the answer into out (when not nil) and fails unless the
// status is want.
func (m *miniflux) api(t *testing.T, method, path string, in, out any, want int) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, m.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(m.user, m.password)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("miniflux %s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != want {
		t.Fatalf("miniflux %s %s: %d %v, want %d: %s", method, path, res.StatusCode, err, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("miniflux %s %s: %v in %s", method, path, err, data)
		}
	}
}

// subscribe subscribes to feedURL (Miniflux fetches and stores it then)
// and returns the feed's id.
func (m *miniflux) subscribe(t *testing.T, feedURL string) int64 {
	t.Helper()
	var res struct {
		FeedID int64 `json:"feed_id"`
	}
	m.api(t, "POST", "/v1/feeds", map[string]any{"feed_url": feedURL}, &res, http.StatusCreated)
	return res.FeedID
}

// refresh has Miniflux fetch the feed now, as its poller would: with the
// validators of its last fetch. It returns when the entries are stored.
func (m *miniflux) refresh(t *testing.T, id int64) {
	t.Helper()
	m.api(t, "PUT", fmt.Sprintf("/v1/feeds/%d/refresh", id), nil, nil, http.StatusNoContent)
}

// mfFeed is what Miniflux keeps of a subscription.
type mfFeed struct {
	Title         string `json:"title"`
	SiteURL       string `json:"site_url"`
	ETag          string `json:"etag_header"`
	LastModified  string `json:"last_modified_header"`
	ParsingErrors int    `json:"parsing_error_count"`
	ParsingError  string `json:"parsing_error_message"`
}

func (m *miniflux) feed(t *testing.T, id int64) mfFeed {
	t.Helper()
	var f mfFeed
	m.api(t, "GET", fmt.Sprintf("/v1/feeds/%d", id), nil, &f, http.StatusOK)
	return f
}

// mfEntry is what a Miniflux user reads of one post.
type mfEntry struct {
	ID        int64     `json:"id"`
	Hash      string    `json:"hash"`
	Title     string    `json:"title"`
	URL       string    `json:"url"`
	Author    string    `json:"author"`
	Content   string    `json:"content"`
	Published time.Time `json:"published_at"`
	Tags      []string  `json:"tags"`
}

// entries returns the feed's entries, oldest first.
func (m *miniflux) entries(t *testing.T, id int64) []mfEntry {
	t.Helper()
	var res struct {
		Total   int       `json:"total"`
		Entries []mfEntry `json:"entries"`
	}
	m.api(t, "GET", fmt.Sprintf("/v1/feeds/%d/entries?order=published_at&direction=asc&limit=100", id), nil, &res, http.StatusOK)
	if res.Total != len(res.Entries) {
		t.Fatalf("miniflux feed %d: %d entries of %d in one page", id, len(res.Entries), res.Total)
	}
	return res.Entries
}

// mfWant is a post as a reader should see it.
type mfWant struct {
	title, url, author, date, content string
}

// checkEntries checks that entries are exactly the posts want, oldest
// first, each once with its title, link, author, date and a piece of its
// HTML content.
func checkEntries(t *testing.T, who string, entries []mfEntry, want []mfWant) {
	t.Helper()
	hashes := map[string]bool{}
	for _, e := range entries {
		if hashes[e.Hash] {
			t.Errorf("%s: entry %q (hash %s) twice", who, e.Title, e.Hash)
		}
		hashes[e.Hash] = true
	}
	if len(entries) != len(want) {
		titles := make([]string, len(entries))
		for i, e := range entries {
			titles[i] = e.Title
		}
		t.Errorf("%s: %d entries %q, want %d", who, len(entries), titles, len(want))
		return
	}
	for i, w := range want {
		e := entries[i]
		date, err := time.Parse(time.RFC3339, w.date)
		if err != nil {
			t.Fatal(err)
		}
		if e.Title != w.title || e.URL != w.url || e.Author != w.author || !e.Published.Equal(date) {
			t.Errorf("%s: entry %d is %q %s by %q on %s, want %q %s by %q on %s",
				who, i, e.Title, e.URL, e.Author, e.Published.UTC().Format(time.RFC3339), w.title, w.url, w.author, w.date)
		}
		if !strings.Contains(e.Content, w.content) {
			t.Errorf("%s: %q's content %q lacks %q", who, e.Title, e.Content, w.content)
		}
	}
}

// minifluxSite is the config of TestMiniflux's blog: two declared authors,
// the first with her address shown.
const minifluxSite = `
[authors.ada]
name = "Ada Lovelace"
email = "ada@blog.example.org"
show_email = true
url = "https://blog.example.org/about/ada/"

[authors.bob]
name = "Bob Stone"
`

// writeFront writes posts/name with the front matter lines front and body.
func (s *site) writeFront(t *testing.T, name, front, body string) {
	t.Helper()
	src := "---\n" + front + "\n---\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(s.posts, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMiniflux subscribes a real Miniflux to herald serve's RSS, Atom and
// JSON feeds and to a per-author and a per-tag feed, and checks what its
// user reads: every published post once (no draft, no future post), with
// its title, link, author, date and content; a 304 from herald on each
// refresh with nothing changed (Miniflux sends the validators it kept);
// and after an edit of a post's title and body, the same entry updated in
// place, with no duplicate.
func TestMiniflux(t *testing.T) {
	bin := needMiniflux(t)
	s := newSite(t, "Field Notes", minifluxSite)
	s.writeFront(t, "old.md", "title: Old post\ndate: 2026-11-01T10:00:00Z\nauthor: ada\ntags: [Go]", "The first words, in **bold**.")
	s.writeFront(t, "joint.md", "title: Joint post\ndate: 2026-11-05T10:00:00Z\nauthors: [ada, bob]", "Written by two.")
	s.writeFront(t, "newest.md", "title: Newest post\ndate: 2026-11-10T10:00:00Z\nauthor: bob\ntags: [Go]", "The latest words.")
	s.writeFront(t, "draft.md", "title: Draft post\ndate: 2026-11-11T10:00:00Z\ndraft: true", "Not yet.")
	s.writeFront(t, "future.md", "title: Future post\ndate: 2099-01-01T10:00:00Z", "Not yet either.")
	s.serve(t)
	mf := startMiniflux(t, bin)

	old := mfWant{"Old post", "https://blog.example.org/2026/11/old/", "Ada Lovelace", "2026-11-01T10:00:00Z", "<strong>bold</strong>"}
	joint := mfWant{"Joint post", "https://blog.example.org/2026/11/joint/", "Ada Lovelace, Bob Stone", "2026-11-05T10:00:00Z", "Written by two."}
	newest := mfWant{"Newest post", "https://blog.example.org/2026/11/newest/", "Bob Stone", "2026-11-10T10:00:00Z", "The latest words."}
	// From RSS, Miniflux shows <author> as written, "email (Name)" (herald
	// writes it for a single author whose address is shown), and of
	// several <dc:creator> only the last: it reads them into one string.
	// Atom and JSON Feed give it every name.
	rssOld, rssJoint := old, joint
	rssOld.author, rssJoint.author = "ada@blog.example.org (Ada Lovelace)", "Bob Stone"
	feeds := []struct {
		path string
		want []mfWant
		id   int64
	}{
		{path: "/feeds/rss.xml", want: []mfWant{rssOld, rssJoint, newest}},
		{path: "/feeds/atom.xml", want: []mfWant{old, joint, newest}},
		{path: "/feeds/feed.json", want: []mfWant{old, joint, newest}},
		{path: "/feeds/authors/ada/atom.xml", want: []mfWant{old, joint}},
		{path: "/feeds/tags/go/rss.xml", want: []mfWant{rssOld, newest}},
	}

	// Subscribing fetches each feed once.
	before := map[string][]mfEntry{}
	for i := range feeds {
		f := &feeds[i]
		f.id = mf.subscribe(t, s.url+f.path)
		got := mf.feed(t, f.id)
		t.Logf("miniflux %s: %q, ETag %s, Last-Modified %s", f.path, got.Title, got.ETag, got.LastModified)
		if !strings.HasPrefix(got.Title, "Field Notes") || got.ParsingErrors != 0 || got.ETag == "" {
			t.Errorf("miniflux %s: title %q, %d parsing errors (%s), ETag %q", f.path, got.Title, got.ParsingErrors, got.ParsingError, got.ETag)
		}
		// Miniflux's Accept lists text/html beside the feed types; an ETag
		// ending in -x is the application/xml that herald sends browsers.
		if strings.HasSuffix(strings.Trim(got.ETag, `"`), "-x") {
			t.Errorf("miniflux %s: got the browser's application/xml (ETag %s), not the feed's own type", f.path, got.ETag)
		}
		before[f.path] = mf.entries(t, f.id)
		checkEntries(t, "miniflux "+f.path+", subscribed", before[f.path], f.want)
	}

	// Nothing changed: each refresh gets a 304 and changes nothing.
	for _, f := range feeds {
		was := s.notModified(t)
		mf.refresh(t, f.id)
		if got := s.notModified(t); got != was+1 {
			t.Errorf("miniflux %s, refresh with nothing changed: herald answered %d 304s, want 1", f.path, got-was)
		}
		checkEntries(t, "miniflux "+f.path+", refreshed", mf.entries(t, f.id), f.want)
	}

	// Edit the old post's title and body: its id stays, so each reader
	// updates the entry it has.
	s.writeFront(t, "old.md", "title: Old post, revised\ndate: 2026-11-01T10:00:00Z\nauthor: ada\ntags: [Go]", "The first words, in **bold**, EDITED-5c1e.")
	for _, f := range feeds {
		s.waitFeed(t, f.path, []string{"EDITED-5c1e"}, nil)
	}
	for _, f := range feeds {
		was := s.notModified(t)
		mf.refresh(t, f.id)
		if got := s.notModified(t); got != was {
			t.Errorf("miniflux %s, refresh after the edit: herald answered %d 304s, want 0", f.path, got-was)
		}
		after := mf.entries(t, f.id)
		revised := f.want[0]
		revised.title, revised.content = "Old post, revised", "EDITED-5c1e"
		want := append([]mfWant{revised}, f.want[1:]...)
		checkEntries(t, "miniflux "+f.path+", after the edit", after, want)
		for i := range min(len(after), len(before[f.path])) {
			if a, b := after[i], before[f.path][i]; a.ID != b.ID || a.Hash != b.Hash {
				t.Errorf("miniflux %s: %q is entry %d (hash %s) after the edit, was %d (%s)", f.path, a.Title, a.ID, a.Hash, b.ID, b.Hash)
			}
		}
		// The second refresh with nothing changed since: a 304.
		was = s.notModified(t)
		mf.refresh(t, f.id)
		if got := s.notModified(t); got != was+1 {
			t.Errorf("miniflux %s, second refresh after the edit: herald answered %d 304s, want 1", f.path, got-was)
		}
		checkEntries(t, "miniflux "+f.path+", refreshed again", mf.entries(t, f.id), want)
	}
}
