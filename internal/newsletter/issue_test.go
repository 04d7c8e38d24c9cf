package newsletter

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/store"
)

func TestBaselineIsNotMailed(t *testing.T) {
	f := newFixture(t)
	f.addPost("old", t0.Add(-24*time.Hour), nil)
	f.addPost("at-baseline", t0, nil)
	n := f.engine(daily(t), nil)
	f.start(n)
	f.addPost("new", t0.Add(30*time.Minute), nil)
	f.subscribe("ann@example.com")

	is := f.tickAt(n, nineAM(0))
	if is.Status != store.IssueSent && is.Status != store.IssueSending {
		t.Fatalf("issue status %s (%s), want sent", is.Status, is.Reason)
	}
	got := f.tr.to("ann@example.com")
	if len(got) != 1 {
		t.Fatalf("ann got %d messages, want 1", len(got))
	}
	if ids := postIDsIn(got[0]); !slices.Equal(ids, []string{"new"}) {
		t.Errorf("mailed posts %v, want only [new]", ids)
	}
}

func TestNothingNewSendsNothing(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), nil)
	f.start(n)
	f.subscribe("ann@example.com")
	f.addPost("a", t0.Add(time.Minute), nil)
	f.tickAt(n, nineAM(0))
	is := f.tickAt(n, nineAM(1))
	if is.Status != store.IssueSkipped || is.Reason != reasonNothingNew {
		t.Errorf("second issue = %s %q, want skipped %q", is.Status, is.Reason, reasonNothingNew)
	}
	if got := f.tr.count(); got != 1 {
		t.Errorf("%d messages sent, want 1 (the first issue only)", got)
	}
	if !strings.Contains(f.logs.String(), "Nothing new since last issue") {
		t.Errorf("log lacks the nothing-new line:\n%s", f.logs)
	}
}

func TestAfterVacation(t *testing.T) {
	vac := schedule.Vacation{From: nineAM(1), Until: nineAM(3).Add(-2 * time.Hour), Note: "away"}
	tests := []struct {
		name  string
		mode  AfterVacation
		first []string // posts in the first issue after the vacation
	}{
		{"catch-up sends the vacation's posts", CatchUp, []string{"after", "during2", "during1"}},
		{"skip never mails them", SkipPending, []string{"after"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			n := f.engine(daily(t, vac), func(o *Options) { o.AfterVacation = tt.mode })
			f.start(n)
			f.subscribe("ann@example.com")
			f.addPost("before", t0.Add(30*time.Minute), nil)
			f.tickAt(n, nineAM(0))
			f.addPost("during1", nineAM(1).Add(time.Hour), nil)
			for _, day := range []int{1, 2} {
				if is := f.tickAt(n, nineAM(day)); is.Status != store.IssueSkipped || !strings.HasPrefix(is.Reason, "vacation until") {
					t.Fatalf("run on day %d = %s %q, want skipped for the vacation", day, is.Status, is.Reason)
				}
			}
			f.addPost("during2", nineAM(2).Add(time.Hour), nil)
			f.addPost("after", nineAM(3).Add(-time.Hour), nil)
			f.tickAt(n, nineAM(3))
			got := f.tr.to("ann@example.com")
			if len(got) != 2 {
				t.Fatalf("ann got %d messages, want 2", len(got))
			}
			if ids := postIDsIn(got[1]); !slices.Equal(ids, tt.first) {
				t.Errorf("first issue after the vacation has %v, want %v", ids, tt.first)
			}
		})
	}
}

func TestTopicsFilter(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), nil)
	f.start(n)
	f.addPost("go-post", t0.Add(time.Minute), []string{"Go"}, "bob")
	f.addPost("ann-post", t0.Add(2*time.Minute), []string{"cooking"}, "ann")
	tests := []struct {
		email  string
		topics []string
		want   []string
	}{
		{"all@example.com", nil, []string{"ann-post", "go-post"}},
		{"gopher@example.com", []string{"tag:go"}, []string{"go-post"}},
		{"fan@example.com", []string{"author:ann"}, []string{"ann-post"}},
		{"either@example.com", []string{"tag:rust", "author:bob"}, []string{"go-post"}},
		{"none@example.com", []string{"tag:rust"}, nil},
	}
	for _, tt := range tests {
		f.subscribe(tt.email, tt.topics...)
	}
	is := f.tickAt(n, nineAM(0))
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			got := f.tr.to(tt.email)
			if tt.want == nil {
				if len(got) != 0 {
					t.Errorf("got %d messages, want none", len(got))
				}
				return
			}
			if len(got) != 1 || !slices.Equal(postIDsIn(got[0]), tt.want) {
				t.Errorf("got %d messages with %v, want one with %v", len(got), postIDs(got), tt.want)
			}
		})
	}
	counts, err := f.st.DeliveryCounts(context.Background(), is.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.DeliverySkipped] != 1 || counts[store.DeliverySent] != 4 {
		t.Errorf("delivery counts %v, want 4 sent and 1 skipped", counts)
	}
}

func postIDs(ms []*mail.Message) [][]string {
	var out [][]string
	for _, m := range ms {
		out = append(out, postIDsIn(m))
	}
	return out
}

func TestDigestAndPerPost(t *testing.T) {
	tests := []struct {
		name     string
		mode     Mode
		messages [][]string
	}{
		{"digest sends one email with both posts", Digest, [][]string{{"b", "a"}}},
		{"per-post sends one email per post, oldest first", PerPost, [][]string{{"a"}, {"b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			n := f.engine(daily(t), func(o *Options) { o.Mode = tt.mode })
			f.start(n)
			f.subscribe("ann@example.com")
			f.addPost("a", t0.Add(time.Minute), nil)
			f.addPost("b", t0.Add(2*time.Minute), nil)
			f.tickAt(n, nineAM(0))
			got := f.tr.to("ann@example.com")
			if !slicesEqual(postIDs(got), tt.messages) {
				t.Errorf("messages carry %v, want %v", postIDs(got), tt.messages)
			}
			ids := map[string]bool{}
			for _, m := range got {
				if ids[m.MessageID] || !strings.HasSuffix(m.MessageID, "@blog.example.com") {
					t.Errorf("Message-ID %q repeated or not on the sender's domain", m.MessageID)
				}
				ids[m.MessageID] = true
			}
			if issues, _ := f.st.ListIssues(context.Background(), 0); tt.mode == PerPost && len(issues) != 3 {
				t.Errorf("%d issues, want the run's and one per post", len(issues))
			}
			f.tickAt(n, nineAM(1))
			if again := f.tr.to("ann@example.com"); len(again) != len(got) {
				t.Errorf("next run sent %d more messages, want none", len(again)-len(got))
			}
		})
	}
}

func slicesEqual(a, b [][]string) bool {
	return slices.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

func TestCatchUpMissedRun(t *testing.T) {
	tests := []struct {
		name     string
		restart  time.Time
		wantSent int
		reason   string // of the latest missed run when skipped
	}{
		{"within max_late sends once", nineAM(2).Add(2 * time.Hour), 1, ""},
		{"beyond max_late is skipped", nineAM(2).Add(7 * time.Hour), 0, "too late"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			n := f.engine(daily(t), func(o *Options) { o.MaxLate = 6 * time.Hour })
			f.start(n)
			f.subscribe("ann@example.com")
			f.addPost("a", t0.Add(time.Minute), nil)
			f.clock.Set(tt.restart) // down from t0 to restart: missed days 0, 1 and 2
			if err := n.CatchUp(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := f.tr.count(); got != tt.wantSent {
				t.Errorf("%d messages, want %d", got, tt.wantSent)
			}
			issues, err := f.st.ListIssues(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(issues) != 3 {
				t.Fatalf("%d issues, want one per missed run (3)", len(issues))
			}
			if latest := issues[0]; !strings.HasPrefix(latest.Reason, tt.reason) || !latest.ScheduledAt.Equal(nineAM(2)) {
				t.Errorf("latest run issue = %s %s %q, want reason %q", latest.ScheduledAt, latest.Status, latest.Reason, tt.reason)
			}
			for _, old := range issues[1:] {
				if old.Status != store.IssueSkipped || old.Reason != reasonMissed {
					t.Errorf("older missed run %s = %s %q, want skipped %q", old.ScheduledAt, old.Status, old.Reason, reasonMissed)
				}
			}
			if err := n.CatchUp(context.Background()); err != nil || f.tr.count() != tt.wantSent {
				t.Errorf("second CatchUp: err %v, %d messages; want nothing more", err, f.tr.count())
			}
		})
	}
}
