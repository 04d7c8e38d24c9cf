package storetest

import (
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

func runSettings(t *testing.T, open Opener) {
	f := newFixture(t, open)
	_, err := f.s.Setting(f.ctx, "baseline")
	wantErr(t, "Setting of an unset key", err, store.ErrNotFound)
	steps := []struct {
		name, value, want string
	}{
		{"first if-absent stores", "one", "one"},
		{"second if-absent keeps", "two", "one"},
	}
	for _, st := range steps {
		got, err := f.s.SetSettingIfAbsent(f.ctx, "baseline", st.value)
		if err != nil || got != st.want {
			t.Errorf("%s: SetSettingIfAbsent = %q, %v; want %q", st.name, got, err, st.want)
		}
		if got, err := f.s.Setting(f.ctx, "baseline"); err != nil || got != st.want {
			t.Errorf("%s: Setting = %q, %v; want %q", st.name, got, err, st.want)
		}
	}
}

func runIssues(t *testing.T, open Opener) {
	t.Run("CreateRoundTrip", func(t *testing.T) {
		f := newFixture(t, open)
		is := store.Issue{Key: "2026-11-30T09:00:00Z", ScheduledAt: t0, Since: at(-7 * 24 * time.Hour), Until: t0,
			PostIDs: []string{"urn:b", "urn:a"}}
		created, err := f.s.CreateIssue(f.ctx, &is, at(time.Second))
		if err != nil || !created || is.ID == 0 {
			t.Fatalf("CreateIssue = %v, %v, id %d; want created with an id", created, err, is.ID)
		}
		want := store.Issue{ID: is.ID, Key: "2026-11-30T09:00:00Z", ScheduledAt: t0, Status: store.IssueSending,
			Since: at(-7 * 24 * time.Hour), Until: t0, PostIDs: []string{"urn:b", "urn:a"}, CreatedAt: at(time.Second)}
		wantEqual(t, "returned issue", is, want)
		got, err := f.s.Issue(f.ctx, is.ID)
		if err != nil {
			t.Fatalf("Issue: %v", err)
		}
		wantEqual(t, "stored issue", got, want)
		again := store.Issue{Key: is.Key, ScheduledAt: at(time.Hour), Status: store.IssueSkipped}
		if created, err := f.s.CreateIssue(f.ctx, &again, at(time.Hour)); err != nil || created {
			t.Fatalf("CreateIssue of a known key = %v, %v; want not created", created, err)
		}
		wantEqual(t, "loaded issue", again, want)
	})
	t.Run("BadInput", func(t *testing.T) {
		f := newFixture(t, open)
		for name, is := range map[string]store.Issue{"empty key": {}, "unknown status": {Key: "k", Status: "lost"}} {
			if _, err := f.s.CreateIssue(f.ctx, &is, t0); err == nil {
				t.Errorf("%s: CreateIssue accepted it", name)
			}
		}
		is := f.issue("k")
		if err := f.s.SetIssueStatus(f.ctx, is.ID, "lost", "", t0); err == nil {
			t.Errorf("SetIssueStatus accepted an unknown status")
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		f := newFixture(t, open)
		_, err := f.s.Issue(f.ctx, 404)
		wantErr(t, "Issue", err, store.ErrNotFound)
		_, err = f.s.LastIssue(f.ctx)
		wantErr(t, "LastIssue of none", err, store.ErrNotFound)
		wantErr(t, "SetIssueStatus", f.s.SetIssueStatus(f.ctx, 404, store.IssueSent, "", t0), store.ErrNotFound)
	})
	t.Run("StatusLastAndList", func(t *testing.T) { runIssueList(t, newFixture(t, open)) })
	t.Run("NextIssueID", func(t *testing.T) {
		f := newFixture(t, open)
		for i, key := range []string{"a", "b", "a", "c"} {
			next, err := f.s.NextIssueID(f.ctx)
			if err != nil {
				t.Fatalf("NextIssueID: %v", err)
			}
			is := store.Issue{Key: key, ScheduledAt: t0}
			created, err := f.s.CreateIssue(f.ctx, &is, t0)
			if err != nil {
				t.Fatalf("CreateIssue %q: %v", key, err)
			}
			if created && is.ID != next {
				t.Errorf("issue %d (%q) got id %d, NextIssueID said %d", i, key, is.ID, next)
			}
		}
	})
}

func runIssueList(t *testing.T, f *fixture) {
	var ids []int64
	for i, key := range []string{"a", "b", "c"} {
		is := store.Issue{Key: key, ScheduledAt: at(time.Duration(i) * time.Hour)}
		if _, err := f.s.CreateIssue(f.ctx, &is, t0); err != nil {
			t.Fatalf("CreateIssue(%q): %v", key, err)
		}
		ids = append(ids, is.ID)
	}
	done := at(5 * time.Hour)
	if err := f.s.SetIssueStatus(f.ctx, ids[0], store.IssueSent, "", done); err != nil {
		t.Fatalf("SetIssueStatus sent: %v", err)
	}
	if err := f.s.SetIssueStatus(f.ctx, ids[1], store.IssueSkipped, "vacation", done); err != nil {
		t.Fatalf("SetIssueStatus skipped: %v", err)
	}
	if got, _ := f.s.Issue(f.ctx, ids[1]); got.Status != store.IssueSkipped || got.Reason != "vacation" || !got.CompletedAt.Equal(done) {
		t.Errorf("skipped issue = %+v; want skipped, reason vacation, completed %v", got, done)
	}
	cases := []struct {
		name     string
		statuses []store.IssueStatus
		want     int64
	}{
		{"any", nil, ids[2]},
		{"sent", []store.IssueStatus{store.IssueSent}, ids[0]},
		{"sent or skipped", []store.IssueStatus{store.IssueSent, store.IssueSkipped}, ids[1]},
	}
	for _, tc := range cases {
		got, err := f.s.LastIssue(f.ctx, tc.statuses...)
		if err != nil || got.ID != tc.want {
			t.Errorf("LastIssue(%s) = %d, %v; want %d", tc.name, got.ID, err, tc.want)
		}
	}
	list, err := f.s.ListIssues(f.ctx, 2)
	if err != nil || len(list) != 2 || list[0].ID != ids[2] || list[1].ID != ids[1] {
		t.Errorf("ListIssues(2) = %+v, %v; want ids %d, %d", list, err, ids[2], ids[1])
	}
	if all, err := f.s.ListIssues(f.ctx, 0); err != nil || len(all) != 3 {
		t.Errorf("ListIssues(0) = %d issues, %v; want 3", len(all), err)
	}
}
