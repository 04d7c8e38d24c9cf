package newsletter

import (
	"github.com/heraldhq/herald/internal/clock/clocktest"

	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/store"
)

// TestWhichPostsAreNew drives the daily 09:00 schedule on an injected
// clock: a post is new from the later of when herald first saw it and its
// date; one dated more than max_backdate before it appeared is an archive
// import, never mailed.
func TestWhichPostsAreNew(t *testing.T) {
	day := func(d int) time.Time { return t0.Truncate(24*time.Hour).AddDate(0, 0, d) } // midnight UTC
	tests := []struct {
		name        string
		date, seen  time.Time
		mailedOnDay int // the run that mails it; -1 never
		archived    bool
	}{
		{"added after the issue, dated before it", nineAM(0).Add(-30 * time.Minute), nineAM(0).Add(time.Hour), 1, false},
		{"dated 60 days back", nineAM(0).AddDate(0, 0, -60), nineAM(0).Add(time.Hour), -1, true},
		{"future-dated", nineAM(1).Add(3 * time.Hour), nineAM(0).Add(time.Hour), 2, false},
		{"date only, written after the day's issue", day(1), nineAM(1).Add(time.Hour), 2, false},
		{"dated in the baseline's second, added later", t0, t0.Add(30 * time.Minute), 0, false},
		{"dated 6 days back", nineAM(0).AddDate(0, 0, -6), nineAM(0).Add(time.Hour), 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			n := f.engine(daily(t), nil)
			f.start(n)
			f.subscribe("ann@example.com")
			f.addPost("old", t0.Add(-time.Hour), nil) // there at the baseline: never mailed
			mailed := -1
			for d := range 4 {
				if at := tt.seen; !at.Before(nineAM(d-1)) && at.Before(nineAM(d)) || d == 0 && at.Before(nineAM(0)) {
					f.clock.Set(at)
					f.addPostSeen("p", tt.date, at, nil)
				}
				before := len(f.tr.to("ann@example.com"))
				f.tickAt(n, nineAM(d))
				for _, m := range f.tr.to("ann@example.com")[before:] {
					ids := postIDsIn(m)
					if slices.Contains(ids, "old") {
						t.Errorf("day %d mails the post that was there at the baseline", d)
					}
					if slices.Contains(ids, "p") {
						if mailed >= 0 {
							t.Errorf("p mailed on day %d and again on day %d", mailed, d)
						}
						mailed = d
					}
				}
			}
			if mailed != tt.mailedOnDay {
				t.Errorf("p mailed on day %d, want %d", mailed, tt.mailedOnDay)
			}
			logged := strings.Contains(f.logs.String(), "1 older post not mailed: dated more than 7 days before herald saw it")
			if logged != tt.archived {
				t.Errorf("archive log line %v, want %v:\n%s", logged, tt.archived, f.logs)
			}
		})
	}
}

// TestSightingsOnAnOlderDatabase: a database whose newsletter ran before
// first sightings were recorded gets its posts' dates as sightings, so
// that nothing already mailed is new again.
func TestSightingsOnAnOlderDatabase(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.st.SetSettingIfAbsent(ctx, baselineKey, t0.Format(time.RFC3339Nano)); err != nil {
		t.Fatal(err)
	}
	mailed := &post.Post{ID: "mailed", Title: "Mailed", Date: nineAM(0).Add(-time.Hour), Permalink: "https://blog.example.com/posts/mailed/"}
	is := store.Issue{Key: runKey(nineAM(0)), ScheduledAt: nineAM(0), Status: store.IssueSent, Since: t0, Until: nineAM(0), PostIDs: []string{"mailed"}}
	if _, err := f.st.CreateIssue(ctx, &is, nineAM(0)); err != nil {
		t.Fatal(err)
	}
	first, err := RecordSeen(ctx, f.st, []*post.Post{mailed}, nineAM(1).Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got := first["mailed"]; !got.Equal(mailed.Date) {
		t.Errorf("first sighting of a post from before the upgrade = %v, want its date %v", got, mailed.Date)
	}
	f.mu.Lock()
	f.posts = append(f.posts, mailed)
	f.mu.Unlock()
	f.subscribe("ann@example.com")
	n := f.engine(daily(t), nil)
	f.tickAt(n, nineAM(1))
	if k := len(f.tr.to("ann@example.com")); k != 0 {
		t.Errorf("the post mailed before the upgrade went out again (%d messages)", k)
	}
}

// TestSendNowWindowsDoNotOverlap: a post herald first sees during a send
// belongs to that issue only; the next send finds nothing new, however
// much time passed between the steps of the first.
func TestSendNowWindowsDoNotOverlap(t *testing.T) {
	f := newFixture(t)
	clk := clocktest.NewAuto(t0)
	clk.Step = time.Millisecond // as time passes between two steps of a real send
	n := f.engine(daily(t), func(o *Options) { o.Clock = clk })
	f.subscribe("ann@example.com")
	ctx := context.Background()
	if res, err := n.SendNow(ctx, SendOptions{}); err != nil || !res.FirstSend {
		t.Fatalf("first SendNow = %+v, %v; want the baseline recorded", res, err)
	}
	clk.Advance(time.Hour)
	date := clk.Now().Add(-time.Minute)
	f.mu.Lock() // published without a sighting: the send sees it first
	f.posts = append(f.posts, &post.Post{ID: "p", Title: "P", Date: date, Permalink: "https://blog.example.com/posts/p/"})
	f.mu.Unlock()
	if res, err := n.SendNow(ctx, SendOptions{}); err != nil || res.Sent != 1 {
		t.Fatalf("SendNow with a new post = %+v, %v; want 1 sent", res, err)
	}
	if res, err := n.SendNow(ctx, SendOptions{}); !errors.Is(err, ErrNothingNew) {
		t.Errorf("SendNow again = %+v, %v; want nothing new", res, err)
	}
	if k := len(f.tr.to("ann@example.com")); k != 1 {
		t.Errorf("ann got %d messages, want 1", k)
	}
}
