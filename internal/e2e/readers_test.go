package e2e

import (
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // to read newsboat's cache
)

// feedparserScript polls a feed with Python's feedparser, passing the
// validators of the last poll, and prints what it got as JSON.
const feedparserScript = `
import json, sys, feedparser
url, etag, modified = sys.argv[1:4]
d = feedparser.parse(url, etag=etag or None, modified=modified or None)
def body(e):
    if e.get("content"):
        return e["content"][0].get("value", "")
    return e.get("summary", "")
print(json.dumps({"status": d.get("status", 0), "etag": d.get("etag", ""), "modified": d.get("modified", ""),
    "bozo": bool(d.get("bozo")), "error": str(d.get("bozo_exception", "")),
    "entries": [{"id": e.get("id", ""), "title": e.get("title", ""), "body": body(e)} for e in d.entries]}))
`

// feedparser is one feed polled by feedparser, remembering its validators
// between polls as a feed reader does.
type feedparser struct {
	python, url    string
	etag, modified string
}

type poll struct {
	Status  int
	Etag    string
	Bozo    bool
	Error   string
	Entries []struct{ ID, Title, Body string }
}

func (f *feedparser) poll(t *testing.T) poll {
	t.Helper()
	out, err := exec.Command(f.python, "-c", feedparserScript, f.url, f.etag, f.modified).Output()
	if err != nil {
		t.Fatalf("feedparser on %s: %v", f.url, err)
	}
	var p struct {
		poll
		Modified string
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("feedparser output %q: %v", out, err)
	}
	if p.Bozo && p.Status != 304 {
		t.Errorf("feedparser finds %s malformed: %s", f.url, p.Error)
	}
	if p.Status == 200 {
		f.etag, f.modified = p.Etag, p.Modified
	}
	return p.poll
}

// newsboat polls one feed with `newsboat -x reload`, with its own config,
// cache and home in a temp folder.
type newsboat struct {
	bin, dir string
}

func newNewsboat(t *testing.T, bin, url string) *newsboat {
	dir := t.TempDir()
	for name, data := range map[string]string{"urls": url + "\n", "config": ""} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &newsboat{bin: bin, dir: dir}
}

func (n *newsboat) poll(t *testing.T) {
	t.Helper()
	cmd := exec.Command(n.bin, "-u", filepath.Join(n.dir, "urls"), "-c", filepath.Join(n.dir, "cache.db"),
		"-C", filepath.Join(n.dir, "config"), "-x", "reload")
	cmd.Env = append(os.Environ(), "HOME="+n.dir, "XDG_CONFIG_HOME="+n.dir, "XDG_DATA_HOME="+n.dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("newsboat -x reload: %v\n%s", err, out)
	}
}

// items returns what newsboat keeps of the feed: each item's guid, title
// and content, from its cache.
func (n *newsboat) items(t *testing.T) []struct{ ID, Title, Body string } {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(n.dir, "cache.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT guid, title, content FROM rss_item ORDER BY id`)
	if err != nil {
		t.Fatalf("reading newsboat's cache: %v", err)
	}
	defer rows.Close()
	var out []struct{ ID, Title, Body string }
	for rows.Next() {
		var it struct{ ID, Title, Body string }
		if err := rows.Scan(&it.ID, &it.Title, &it.Body); err != nil {
			t.Fatal(err)
		}
		out = append(out, it)
	}
	return out
}

// notModified returns how many 304s herald has answered on the feed route.
func (s *site) notModified(t *testing.T) int {
	t.Helper()
	m := regexp.MustCompile(`herald_http_requests_total\{code="304",method="GET",route="/feeds/\{path\.\.\.\}"\} (\d+)`).
		FindStringSubmatch(s.get(t, "/metrics"))
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestRealReaders runs herald serve and polls it with two feed readers
// nobody here wrote: newsboat (libcurl, If-None-Match and a time
// condition) and Python's feedparser (etag and modified). Every item on
// the first poll, a 304 when nothing changed, and after an edit of an older
// post, a post dated before the newest and a deletion, the next poll shows
// the edit once, the new post once and no item twice.
func TestRealReaders(t *testing.T) {
	nbBin := need(t, "newsboat", "newsboat")
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import feedparser").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Debian's python3-feedparser is required in CI (.ci/run installs it): %v", err)
		}
		t.Skip("Debian's python3-feedparser is not installed: `apt-get install -y python3-feedparser` to run this test")
	}
	s := newSite(t, "Field Notes", "")
	s.writePost(t, "old.md", "Old post", "2026-11-01T10:00:00Z", "The first words.")
	s.writePost(t, "middle.md", "Middle post", "2026-11-05T10:00:00Z", "Soon gone.")
	s.writePost(t, "newest.md", "Newest post", "2026-11-10T10:00:00Z", "The latest words.")
	s.serve(t)

	nb := newNewsboat(t, nbBin, s.url+"/feeds/rss.xml")
	fps := []*feedparser{{python: python, url: s.url + "/feeds/rss.xml"}, {python: python, url: s.url + "/feeds/atom.xml"}}
	before := []string{"Old post", "Middle post", "Newest post"}

	// First poll: every item.
	nb.poll(t)
	checkItems(t, "newsboat, first poll", nb.items(t), before, "", nil)
	for _, fp := range fps {
		p := fp.poll(t)
		if p.Status != 200 {
			t.Errorf("feedparser %s, first poll: status %d", fp.url, p.Status)
		}
		checkItems(t, "feedparser "+fp.url+", first poll", p.Entries, before, "", nil)
	}

	// Nothing changed: 304s.
	for _, fp := range fps {
		if p := fp.poll(t); p.Status != 304 {
			t.Errorf("feedparser %s, second poll: status %d, want 304", fp.url, p.Status)
		}
	}
	// newsboat 2.21 stores a feed's validators only once the feed is in its
	// cache, that is from its second fetch on: its third poll is the first
	// that can be conditional.
	nb.poll(t)
	checkItems(t, "newsboat, second poll", nb.items(t), before, "", nil)
	was := s.notModified(t)
	nb.poll(t)
	if got := s.notModified(t); got != was+1 {
		t.Errorf("newsboat, third poll: herald answered %d 304s, want 1", got-was)
	}

	// Edit the older post, add one dated before the newest, delete one.
	s.writePost(t, "old.md", "Old post", "2026-11-01T10:00:00Z", "The first words, EDITED-7f3a.")
	s.writePost(t, "late.md", "Late post", "2026-11-07T10:00:00Z", "Written late, dated earlier.")
	if err := os.Remove(filepath.Join(s.posts, "middle.md")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/feeds/rss.xml", "/feeds/atom.xml"} {
		s.waitFeed(t, path, []string{"EDITED-7f3a", "Late post"}, []string{"Middle post"})
	}
	after := []string{"Old post", "Late post", "Newest post"}
	nb.poll(t)
	// newsboat keeps items that left the feed (Middle post), as readers do.
	checkItems(t, "newsboat, after the changes", nb.items(t), append(after, "Middle post"), "EDITED-7f3a", []string{"Old post"})
	for _, fp := range fps {
		p := fp.poll(t)
		if p.Status != 200 {
			t.Errorf("feedparser %s, after the changes: status %d, want 200", fp.url, p.Status)
		}
		checkItems(t, "feedparser "+fp.url+", after the changes", p.Entries, after, "EDITED-7f3a", []string{"Old post"})
	}
}

// checkItems checks that items hold exactly the titles want, each once (by
// id and by title), and that the item titled each of editedIn holds edit
// in its body, and no other item does.
func checkItems(t *testing.T, who string, items []struct{ ID, Title, Body string }, want []string, edit string, editedIn []string) {
	t.Helper()
	ids, titles := map[string]int{}, map[string]int{}
	for _, it := range items {
		ids[it.ID]++
		titles[it.Title]++
		edited := edit != "" && strings.Contains(it.Body, edit)
		if wantEdit := edit != "" && contains(editedIn, it.Title); edited != wantEdit {
			t.Errorf("%s: %q holds the edit: %v, want %v (body %.80q)", who, it.Title, edited, wantEdit, it.Body)
		}
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("%s: item %s appears %d times", who, id, n)
		}
	}
	for _, title := range want {
		if titles[title] != 1 {
			t.Errorf("%s: %q appears %d times, want once (items: %v)", who, title, titles[title], titles)
		}
	}
	if len(items) != len(want) {
		t.Errorf("%s: %d items, want %d (%v)", who, len(items), len(want), titles)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
