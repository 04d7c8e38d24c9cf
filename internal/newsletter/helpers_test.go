package newsletter

import (
	"context"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/clock/clocktest"
	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/subscriber"
	"github.com/heraldhq/herald/internal/testkit"
	"github.com/heraldhq/herald/templates"
)

// t0 is the tests' first start (the baseline): a Monday.
var t0 = time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)

// nineAM is a run of the daily 09:00 UTC schedule, day days after t0.
func nineAM(day int) time.Time { return t0.AddDate(0, 0, day).Add(time.Hour) }

// sent is one message the recorder accepted.
type sent struct {
	msg *mail.Message
	raw []byte
}

// recorder is a Transport that builds every message (so invalid ones
// fail as they would on SMTP) and keeps it. fail, when set, can refuse a
// message with an error; hook runs before each send.
type recorder struct {
	mu   sync.Mutex
	msgs []sent
	fail func(m *mail.Message) error
	hook func(m *mail.Message)
}

func (r *recorder) Send(ctx context.Context, m *mail.Message) error {
	raw, err := mail.Build(m, nil)
	if err != nil {
		return err
	}
	r.mu.Lock()
	hook, fail := r.hook, r.fail
	r.mu.Unlock()
	if hook != nil {
		hook(m)
	}
	if err := m.HandOff(); err != nil {
		return err
	}
	if fail != nil {
		if err := fail(m); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, sent{msg: m, raw: raw})
	return nil
}

func (r *recorder) Close() error { return nil }

// all returns every message sent so far.
func (r *recorder) all() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.msgs...)
}

// to returns the messages sent to addr.
func (r *recorder) to(addr string) []*mail.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*mail.Message
	for _, s := range r.msgs {
		if s.msg.To.Address == addr {
			out = append(out, s.msg)
		}
	}
	return out
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// smtpError is a reply like those mail.SMTP returns.
func smtpError(rcpt string, code int) error {
	return &mail.SendError{Op: "rcpt to", Rcpt: rcpt, Code: code, Temporary: code < 500,
		Err: fmt.Errorf("%d mailbox says no", code)}
}

// fixture is an engine on a fresh SQLite store with posts under test control.
type fixture struct {
	t     *testing.T
	st    *sqlite.Store
	path  string
	clock *clocktest.Auto
	tr    *recorder
	logs  *lockedBuffer
	mu    sync.Mutex
	posts []*post.Post
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "herald.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &fixture{t: t, st: st, path: path, clock: clocktest.NewAuto(t0), tr: &recorder{}, logs: &lockedBuffer{}}
}

// addPost publishes a post dated at with tags and author keys, seen by
// herald at its date (or now, when that is later), as a daemon watching
// the folder would.
func (f *fixture) addPost(id string, at time.Time, tags []string, authors ...string) {
	f.addPostSeen(id, at, later(f.clock.Now(), at), tags, authors...)
}

// addPostSeen publishes a post dated at that herald first sees at seen.
func (f *fixture) addPostSeen(id string, at, seen time.Time, tags []string, authors ...string) {
	p := &post.Post{ID: id, Slug: id, Title: "Post " + id, Date: at, Tags: tags,
		Permalink: "https://blog.example.com/posts/" + id + "/"}
	for _, a := range authors {
		p.Authors = append(p.Authors, post.Author{Key: a, Name: strings.ToUpper(a[:1]) + a[1:]})
	}
	if _, err := RecordSeen(context.Background(), f.st, []*post.Post{p}, seen); err != nil {
		f.t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posts = append(f.posts, p)
	slices.SortFunc(f.posts, func(a, b *post.Post) int { return b.Date.Compare(a.Date) })
}

func (f *fixture) published() []*post.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.posts)
}

// subscribe adds an active subscriber following topics (all when none).
func (f *fixture) subscribe(email string, topics ...string) int64 {
	f.t.Helper()
	key, err := subscriber.Normalize(email)
	if err != nil {
		f.t.Fatal(err)
	}
	s := &subscriber.Subscriber{Email: email, EmailKey: key, Name: "", Status: subscriber.Pending, Topics: topics, Source: subscriber.SourceCLI}
	ctx := context.Background()
	if _, err := f.st.CreateSubscriber(ctx, s, t0.Add(-time.Hour)); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.st.Confirm(ctx, s.ID, t0.Add(-time.Hour)); err != nil {
		f.t.Fatal(err)
	}
	return s.ID
}

// options returns engine options; edit lets a test change them.
func (f *fixture) options(sched *schedule.Schedule) Options {
	return Options{
		Store: f.st, Transport: f.tr, Posts: f.published, Schedule: sched,
		From: netmail.Address{Name: "Blog", Address: "news@blog.example.com"}, PublicURL: "https://herald.example.com",
		Links: func(sub subscriber.Subscriber) (string, string) {
			id := sub.ID
			return fmt.Sprintf("https://herald.example.com/unsubscribe/u%d", id), fmt.Sprintf("https://herald.example.com/preferences/p%d", id)
		},
		Templates: templates.Embedded(), Site: Site{Title: "The Blog", URL: "https://blog.example.com/"},
		Workers: 2, Batch: 10, RetryBase: time.Minute, Owner: "test", Clock: f.clock,
		// the Auto clock jumps on every poll; a lease this long never expires
		// under a worker that is merely slow (the race detector).
		Lease:  365 * 24 * time.Hour,
		Logger: slog.New(slog.NewTextHandler(f.logs, nil)),
	}
}

func (f *fixture) engine(sched *schedule.Schedule, edit func(*Options)) *Newsletter {
	f.t.Helper()
	opts := f.options(sched)
	if edit != nil {
		edit(&opts)
	}
	n, err := New(opts)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// daily is the schedule of every day at 09:00 UTC with vacations.
func daily(t *testing.T, vacations ...schedule.Vacation) *schedule.Schedule {
	t.Helper()
	s, err := schedule.New("0 9 * * *", time.UTC, vacations)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tickAt sets the clock to at and ticks the run at that time.
func (f *fixture) tickAt(n *Newsletter, at time.Time) store.Issue {
	f.t.Helper()
	f.clock.Set(at)
	r, ok := n.schedule().Next(at.Add(-time.Second))
	if !ok || !r.At.Equal(at) {
		f.t.Fatalf("no run at %s (next %v)", at, r.At)
	}
	is, err := n.Tick(context.Background(), r)
	if err != nil {
		f.t.Fatalf("tick %s: %v", at, err)
	}
	return is
}

// start records the baseline at t0, as a first start would.
func (f *fixture) start(n *Newsletter) {
	f.t.Helper()
	f.clock.Set(t0)
	if err := n.CatchUp(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}

// postIDsIn returns the ids of the posts linked from a message's text.
func postIDsIn(m *mail.Message) []string {
	var ids []string
	for _, line := range strings.Split(m.Text, "\n") {
		if rest, ok := strings.CutPrefix(line, "Read it: https://blog.example.com/posts/"); ok {
			ids = append(ids, strings.TrimSuffix(rest, "/"))
		}
	}
	return ids
}

func mustSchedule(spec string) *schedule.Schedule {
	s, err := schedule.New(spec, time.UTC, nil)
	if err != nil {
		panic(err)
	}
	return s
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// lockedBuffer is testkit.Buffer: a log several goroutines write while the test reads it.
type lockedBuffer = testkit.Buffer
