package newsletter

import (
	"github.com/heraldhq/herald/internal/testkit"

	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/store"
)

func TestDryRunLeavesStoreUntouched(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), nil)
	f.start(n)
	f.subscribe("ann@example.com")
	f.subscribe("bob@example.com", "tag:go")
	f.subscribe("cat@example.com", "tag:rust")
	f.addPost("p", t0.Add(time.Minute), []string{"go"})
	f.clock.Set(nineAM(0))
	before := readDB(t, f.path)
	dir := t.TempDir()
	res, err := n.SendNow(context.Background(), SendOptions{DryRunDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, readDB(t, f.path)) {
		t.Error("the database changed during a dry run")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 2 || res.Sent != 2 || res.Skipped != 1 {
		t.Errorf("dry run wrote %d files, result %+v; want 2 written, cat skipped", len(files), res)
	}
	if f.tr.count() != 0 {
		t.Errorf("dry run sent %d messages through the transport", f.tr.count())
	}
	raw, _ := os.ReadFile(files[0])
	for _, h := range []string{"List-Unsubscribe: <https://herald.example.com/unsubscribe/", "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "List-Id: "} {
		if !bytes.Contains(raw, []byte(h)) {
			t.Errorf("dry-run message lacks %q", h)
		}
	}

	// The real send puts the same bytes on the wire: Message-IDs (with the
	// issue's id), boundaries, headers and parts; only Date, the time of
	// rendering, may differ.
	if _, err := n.SendNow(context.Background(), SendOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		dry, _ := os.ReadFile(path)
		var match bool
		for _, s := range f.tr.all() {
			match = match || bytes.Equal(withoutDate(dry), withoutDate(s.raw))
		}
		if !match {
			t.Errorf("%s matches no message of the real send:\n%s", filepath.Base(path), dry)
		}
	}
}

// withoutDate drops the Date header line of a message.
func withoutDate(raw []byte) []byte {
	head, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	var kept [][]byte
	for _, line := range bytes.Split(head, []byte("\r\n")) {
		if !bytes.HasPrefix(line, []byte("Date: ")) {
			kept = append(kept, line)
		}
	}
	return append(bytes.Join(kept, []byte("\r\n")), append([]byte("\r\n\r\n"), body...)...)
}

// TestDryRunSignsAsTheTransport checks that a dry run through a signing
// transport writes signed messages, as the real send would be.
func TestDryRunSignsAsTheTransport(t *testing.T) {
	f := newFixture(t)
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	dkim, err := mail.NewDKIM("blog.example.com", "herald", key)
	if err != nil {
		t.Fatal(err)
	}
	box, err := mail.NewOutbox(t.TempDir(), mail.OutboxDKIM(dkim))
	if err != nil {
		t.Fatal(err)
	}
	n := f.engine(daily(t), func(o *Options) { o.Transport = box })
	f.start(n)
	f.subscribe("ann@example.com")
	f.addPost("p", t0.Add(time.Minute), nil)
	f.clock.Set(nineAM(0))
	dir := t.TempDir()
	if _, err := n.SendNow(context.Background(), SendOptions{DryRunDir: dir}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("dry run wrote %d files, want 1", len(files))
	}
	raw, _ := os.ReadFile(files[0])
	if !bytes.HasPrefix(raw, []byte("DKIM-Signature: ")) || !bytes.Contains(raw, []byte("d=blog.example.com")) {
		t.Errorf("dry-run message is not signed as the transport signs:\n%.300s", raw)
	}
}

// readDB returns the database file and its WAL, as they are on disk.
func readDB(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestSendNowToRecordsNothing(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), nil)
	f.start(n)
	f.subscribe("ann@example.com")
	f.addPost("p", t0.Add(time.Minute), nil)
	f.clock.Set(nineAM(0))
	install, err := n.installID(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.SendNow(context.Background(), SendOptions{To: "me@example.org"}); err != nil {
		t.Fatal(err)
	}
	got := f.tr.to("me@example.org")
	if len(got) != 1 || f.tr.count() != 1 {
		t.Fatalf("sent %d messages, want one to me@example.org", f.tr.count())
	}
	// Like every herald Message-ID, a test copy's names the install, so
	// two installs testing at the same moment do not share one.
	if id := got[0].MessageID; !strings.HasPrefix(id, "herald.test.") || !strings.Contains(id, "."+install+"@") {
		t.Errorf("test copy Message-ID %q, want herald.test.… with install %s", id, install)
	}
	if issues, _ := f.st.ListIssues(context.Background(), 0); len(issues) != 0 {
		t.Errorf("a test send recorded %d issues", len(issues))
	}
}

func TestSendNow(t *testing.T) {
	vac := schedule.Vacation{From: t0, Until: nineAM(5), Note: "away"}
	tests := []struct {
		name    string
		vac     bool
		opts    SendOptions
		posts   bool
		wantErr error
		sent    int
	}{
		{"sends to every subscriber", false, SendOptions{}, true, nil, 2},
		{"nothing new", false, SendOptions{}, false, ErrNothingNew, 0},
		{"refused on vacation", true, SendOptions{}, true, ErrOnVacation, 0},
		{"vacation ignored", true, SendOptions{IgnoreVacation: true}, true, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			s := daily(t)
			if tt.vac {
				s = daily(t, vac)
			}
			n := f.engine(s, nil)
			f.start(n)
			f.subscribe("ann@example.com")
			f.subscribe("bob@example.com")
			if tt.posts {
				f.addPost("p", t0.Add(time.Minute), nil)
			}
			f.clock.Set(t0.Add(time.Hour))
			var progress []int
			tt.opts.Progress = func(done, total int) { progress = append(progress, done, total) }
			res, err := n.SendNow(context.Background(), tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("SendNow error = %v, want %v", err, tt.wantErr)
			}
			if res.Sent != tt.sent || f.tr.count() != tt.sent {
				t.Errorf("result %+v, %d messages; want %d sent", res, f.tr.count(), tt.sent)
			}
			if tt.sent > 0 && (len(progress) < 2 || progress[len(progress)-2] != tt.sent) {
				t.Errorf("progress calls %v, want to end at %d done", progress, tt.sent)
			}
		})
	}
}

func TestPreview(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), nil)
	f.start(n)
	f.subscribe("ann@example.com", "tag:go")
	f.addPost("go-post", t0.Add(time.Minute), []string{"go"})
	f.addPost("other", t0.Add(2*time.Minute), nil)
	f.clock.Set(nineAM(0))
	before := readDB(t, f.path)
	tests := []struct {
		name, email string
		want        []string
		notWant     string
	}{
		{"sample reader sees every post", "", []string{"Post go-post", "Post other", "Hello Reader"}, ""},
		{"named subscriber sees their topics", "Ann@Example.com", []string{"Post go-post"}, "Post other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subject, html, text, err := n.Preview(context.Background(), tt.email)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(html, w) || !strings.Contains(text, w) {
					t.Errorf("preview lacks %q", w)
				}
			}
			if tt.notWant != "" && strings.Contains(text, tt.notWant) {
				t.Errorf("preview shows %q, outside the subscriber's topics", tt.notWant)
			}
			if subject == "" {
				t.Error("empty subject")
			}
		})
	}
	if _, _, _, err := n.Preview(context.Background(), "nobody@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("preview for an unknown address: %v, want ErrNotFound", err)
	}
	if !bytes.Equal(before, readDB(t, f.path)) {
		t.Error("preview changed the database")
	}
}

// TestTemplatesGolden renders the last issue before a vacation, with the
// notice, and compares both parts with testdata (go test -update).
func TestTemplatesGolden(t *testing.T) {
	f := newFixture(t)
	vac := schedule.Vacation{From: nineAM(1), Until: nineAM(3).Add(-9 * time.Hour), Note: "Hiking in the Alps"}
	n := f.engine(daily(t, vac), nil)
	f.start(n)
	id := f.subscribe("ann@example.com")
	if err := f.st.SetName(context.Background(), id, "Ann <Admin>", t0); err != nil {
		t.Fatal(err)
	}
	f.addPost("first", t0.Add(time.Minute), []string{"go"}, "ann")
	f.addPost("second", t0.Add(2*time.Minute), nil)
	f.tickAt(n, nineAM(0))
	got := f.tr.to("ann@example.com")
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1", len(got))
	}
	m := got[0]
	if !strings.Contains(m.Text, "This is the last issue for a while: Hiking in the Alps; the next issue comes on Thursday 4 February 2027.") {
		t.Errorf("text lacks the vacation notice:\n%s", m.Text)
	}
	doc := "Subject: " + m.Subject + "\n\n" + m.Text + "\n----\n" + m.HTML
	testkit.Golden(t, filepath.Join("testdata", "before_vacation.golden"), []byte(regexp.MustCompile(`herald\.i\d+\.s\d+\.t[0-9a-z]+\.[a-z2-7]{16}`).ReplaceAllString(doc, "herald.iN.sN.tN.INSTALL")))
}
