package main

import (
	"github.com/heraldhq/herald/internal/testkit"

	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/postgres"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/subscriber"
)

// TestMigrateStoreToPostgres fills a test site's SQLite store through the
// commands (subscribers in three statuses, one issue sent, the baseline
// and the signing secret file), copies it with `herald migrate-store`
// into a fresh PostgreSQL schema, and checks that everything arrived, that
// a second run changes nothing, and that herald pointed at the new store
// knows the issue was sent.
func TestMigrateStoreToPostgres(t *testing.T) {
	dsn := testkit.FreshSchema(t)
	testMigrateStore(t, "postgres", dsn, func() store.Store { return pgStore(t, dsn) })
}

// TestMigrateStoreToSQLite runs the same checks with a second SQLite file
// as the target, so that migrate-store is tested without PostgreSQL too.
func TestMigrateStoreToSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "target.db")
	testMigrateStore(t, "sqlite", path, func() store.Store { return sqliteAt(t, path) })
}

// testMigrateStore migrates a test site into the store named by driver and
// dsn, which target opens.
func testMigrateStore(t *testing.T, driver, dsn string, target func() store.Store) {
	site := newTestSite(t, "Test blog")
	mustRun := func(args ...string) string {
		t.Helper()
		out, errOut, err := runCmd(t, args...)
		if err != nil {
			t.Fatalf("herald %s: %v\n%s", strings.Join(args, " "), err, errOut)
		}
		return out
	}
	// A short retry_base keeps the send's workers from waiting long for
	// each other.
	text, _ := os.ReadFile(site.config)
	site.writeConfig(t, string(text)+"[newsletter]\nretry_base = \"100ms\"\n")
	now := time.Now().UTC()
	setBaseline(t, filepath.Join(site.dir, "data", "herald.db"), now.Add(-2*time.Hour))
	mustRun("subscribers", "add", "-config", site.config, "-name", "Ann", "Ann@Example.com")
	mustRun("subscribers", "add", "-config", site.config, "-confirmed", "bob@example.org")
	csvPath := filepath.Join(site.dir, "in.csv")
	writeFile(t, csvPath, "email,name,status\ncat@example.com,Cat,unsubscribed\n")
	mustRun("subscribers", "import", "-config", site.config, csvPath)
	site.writePost(t, "one.md", "One", now.Add(-time.Hour).Format(time.RFC3339))
	if out := mustRun("send", "-config", site.config); !strings.Contains(out, "1 sent") {
		t.Fatalf("send before the migration: %q, want 1 sent", out)
	}

	out := mustRun("migrate-store", "-config", site.config, "-to-driver", driver, "-to-dsn", dsn)
	if want := "Copied 3 subscribers (3 added, 0 already there), 1 issue and 4 settings"; !strings.Contains(out, want) {
		t.Errorf("first migrate-store said %q, want %q", out, want)
	}
	want := snapshotStore(t, sqliteAt(t, filepath.Join(site.dir, "data", "herald.db")))
	got := snapshotStore(t, target())
	compareSnapshots(t, got, want)
	secret, err := os.ReadFile(filepath.Join(site.dir, "data", "secret"))
	if err != nil {
		t.Fatalf("the site has no secret file: %v", err)
	}
	if got.settings[store.SecretKey] != base64.StdEncoding.EncodeToString(secret) {
		t.Errorf("signing secret in the target %q, want the data folder's %x", got.settings[store.SecretKey], secret)
	}

	out = mustRun("migrate-store", "-config", site.config, "-to-driver", driver, "-to-dsn", dsn)
	if want := "Copied 3 subscribers (0 added, 3 already there), 0 issues and 4 settings"; !strings.Contains(out, want) {
		t.Errorf("second migrate-store said %q, want %q", out, want)
	}
	compareSnapshots(t, snapshotStore(t, target()), want)

	moved := filepath.Join(site.dir, "moved.toml")
	text, _ = os.ReadFile(site.config)
	writeFile(t, moved, string(text)+fmt.Sprintf("[store]\ndriver = %q\ndsn = %q\n", driver, dsn))
	if out := mustRun("send", "-config", moved); !strings.Contains(out, "Nothing new since the last issue") {
		t.Errorf("send on the target after the migration: %q, want nothing new (the issue was already sent)", out)
	}
}

func setBaseline(t *testing.T, path string, at time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.SetSettingIfAbsent(context.Background(), "newsletter.baseline", at.Format(time.RFC3339Nano)); err != nil {
		t.Fatal(err)
	}
}

// snapshot is a store's content in comparable text form.
type snapshot struct {
	subscribers, issues []string
	settings            map[string]string
}

func snapshotStore(t *testing.T, st store.Store) snapshot {
	t.Helper()
	defer st.Close()
	ctx := context.Background()
	subs, err := st.ListSubscribers(ctx, store.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	issues, err := st.ListIssues(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{settings: map[string]string{}}
	for _, sub := range subs {
		s.subscribers = append(s.subscribers, subscriberRow(sub))
	}
	for _, is := range issues {
		s.issues = append(s.issues, issueRow(is))
	}
	slices.Sort(s.subscribers)
	for _, key := range []string{store.SecretKey, "newsletter.baseline", store.InstallIDKey} {
		if v, err := st.Setting(ctx, key); err == nil {
			s.settings[key] = v
		}
	}
	return s
}

func compareSnapshots(t *testing.T, got, want snapshot) {
	t.Helper()
	if !slices.Equal(got.subscribers, want.subscribers) {
		t.Errorf("subscribers in the target:\n%s\nwant (SQLite):\n%s", strings.Join(got.subscribers, "\n"), strings.Join(want.subscribers, "\n"))
	}
	if len(want.subscribers) != 3 || len(want.issues) != 1 {
		t.Errorf("the SQLite store has %d subscribers and %d issues, want 3 and 1", len(want.subscribers), len(want.issues))
	}
	if !slices.Equal(got.issues, want.issues) {
		t.Errorf("issues in the target:\n%s\nwant (SQLite):\n%s", strings.Join(got.issues, "\n"), strings.Join(want.issues, "\n"))
	}
	if got.settings["newsletter.baseline"] == "" || got.settings["newsletter.baseline"] != want.settings["newsletter.baseline"] {
		t.Errorf("baseline in the target %q, want %q", got.settings["newsletter.baseline"], want.settings["newsletter.baseline"])
	}
	// The install id keeps the Message-IDs of resent copies as they were.
	if got.settings[store.InstallIDKey] == "" || got.settings[store.InstallIDKey] != want.settings[store.InstallIDKey] {
		t.Errorf("install id in the target %q, want %q", got.settings[store.InstallIDKey], want.settings[store.InstallIDKey])
	}
}

func subscriberRow(s subscriber.Subscriber) string {
	return strings.Join([]string{s.Email, s.EmailKey, s.Name, string(s.Status), strings.Join(s.Topics, "+"), string(s.Source),
		stamp(s.CreatedAt), stamp(s.ConfirmSentAt), stamp(s.ConfirmedAt), stamp(s.UnsubscribedAt), stamp(s.BouncedAt)}, " | ")
}

func issueRow(is store.Issue) string {
	return strings.Join([]string{is.Key, string(is.Status), is.Reason, strings.Join(is.PostIDs, "+"),
		stamp(is.ScheduledAt), stamp(is.Since), stamp(is.Until), stamp(is.CreatedAt), stamp(is.CompletedAt)}, " | ")
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func sqliteAt(t *testing.T, path string) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func pgStore(t *testing.T, dsn string) store.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
