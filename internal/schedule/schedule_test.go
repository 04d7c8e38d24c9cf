package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRunsDaylightSaving(t *testing.T) {
	tests := []struct {
		name  string
		zone  string
		spec  string
		after string
		want  []string // UTC instants
	}{
		{"new york spring gap runs at end of gap", "America/New_York", "30 2 * * *", "2026-03-07T17:00:00Z",
			[]string{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}},
		{"new york autumn repeated hour runs once", "America/New_York", "30 1 * * *", "2026-10-31T16:00:00Z",
			[]string{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
		{"new york start inside second occurrence", "America/New_York", "30 1 * * *", "2026-11-01T06:10:00Z",
			[]string{"2026-11-02T06:30:00Z"}},
		{"new york hourly across spring", "America/New_York", "0 * * * *", "2026-03-08T05:30:00Z",
			[]string{"2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"}},
		{"new york hourly across autumn", "America/New_York", "0 * * * *", "2026-11-01T04:30:00Z",
			[]string{"2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z", "2026-11-01T08:00:00Z"}},
		{"new york two gap times give one run", "America/New_York", "0,30 2 * * *", "2026-03-07T17:00:00Z",
			[]string{"2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-09T06:30:00Z"}},
		{"berlin spring gap", "Europe/Berlin", "30 2 * * *", "2026-03-28T11:00:00Z",
			[]string{"2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"}},
		{"berlin autumn repeated hour", "Europe/Berlin", "30 2 * * *", "2026-10-24T10:00:00Z",
			[]string{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}},
		{"berlin weekly monday keeps wall clock", "Europe/Berlin", "0 9 * * 1", "2026-03-20T00:00:00Z",
			[]string{"2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z"}},
		{"weekly descriptor", "America/New_York", "@weekly", "2026-11-25T12:00:00Z",
			[]string{"2026-11-29T05:00:00Z", "2026-12-06T05:00:00Z"}},
		{"daily descriptor across spring", "America/New_York", "@daily", "2026-03-07T04:00:00Z",
			[]string{"2026-03-07T05:00:00Z", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"}},
		{"monthly descriptor", "Europe/Berlin", "@monthly", "2026-10-15T00:00:00Z",
			[]string{"2026-10-31T23:00:00Z", "2026-11-30T23:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.spec, mustLoc(t, tt.zone), nil)
			if err != nil {
				t.Fatal(err)
			}
			runs := s.Runs(utc(tt.after), len(tt.want))
			if len(runs) != len(tt.want) {
				t.Fatalf("got %d runs, want %d", len(runs), len(tt.want))
			}
			for i, r := range runs {
				if got := r.At.UTC().Format(time.RFC3339); got != tt.want[i] {
					t.Errorf("run %d = %s (%s), want %s", i, got, r.At, tt.want[i])
				}
				if r.At.Location() != s.Location() {
					t.Errorf("run %d in %s, want %s", i, r.At.Location(), s.Location())
				}
				if r.Skip {
					t.Errorf("run %d skipped without vacations", i)
				}
			}
		})
	}
}

func berlinDay(loc *time.Location, y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, loc)
}

func TestRunsVacations(t *testing.T) {
	loc := mustLoc(t, "Europe/Berlin")
	day := func(m time.Month, d, h int) time.Time { return berlinDay(loc, 2026, m, d, h) }
	type want struct {
		day    int
		skip   bool
		reason string
	}
	tests := []struct {
		name      string
		vacations []Vacation
		want      []want // runs at 09:00 from Dec 20
	}{
		{"run at from is skipped and at until sends",
			[]Vacation{{From: day(12, 20, 9), Until: day(12, 22, 9), Note: "Christmas"}},
			[]want{{20, true, "vacation until 2026-12-22 09:00: Christmas"}, {21, true, "vacation until 2026-12-22 09:00: Christmas"}, {22, false, ""}}},
		{"date-only period without note",
			[]Vacation{{From: day(12, 21, 0), Until: day(12, 23, 0)}},
			[]want{{20, false, ""}, {21, true, "vacation until 2026-12-23"}, {22, true, "vacation until 2026-12-23"}, {23, false, ""}}},
		{"overlapping periods name the one ending last",
			[]Vacation{{From: day(12, 20, 0), Until: day(12, 23, 0), Note: "a"}, {From: day(12, 22, 0), Until: day(12, 25, 0), Note: "b"}},
			[]want{{20, true, "vacation until 2026-12-23: a"}, {21, true, "vacation until 2026-12-23: a"}, {22, true, "vacation until 2026-12-25: b"},
				{23, true, "vacation until 2026-12-25: b"}, {24, true, "vacation until 2026-12-25: b"}, {25, false, ""}}},
		{"until one second after the run still skips",
			[]Vacation{{From: day(12, 19, 0), Until: day(12, 20, 9).Add(time.Second)}},
			[]want{{20, true, "vacation until 2026-12-20 09:00"}, {21, false, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New("0 9 * * *", loc, tt.vacations)
			if err != nil {
				t.Fatal(err)
			}
			runs := s.Runs(day(12, 19, 12), len(tt.want))
			for i, w := range tt.want {
				r := runs[i]
				if !r.At.Equal(day(12, w.day, 9)) || r.Skip != w.skip || r.Reason != w.reason {
					t.Errorf("run %d = {%s skip=%v %q}, want {Dec %d 09:00 skip=%v %q}", i, r.At, r.Skip, r.Reason, w.day, w.skip, w.reason)
				}
				if r.Skip != (r.Vacation != nil) {
					t.Errorf("run %d: Skip=%v but Vacation=%v", i, r.Skip, r.Vacation)
				}
			}
		})
	}
}

func TestNextSendingAndUpcomingVacation(t *testing.T) {
	loc := mustLoc(t, "America/New_York")
	at := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 9, 0, 0, 0, loc) }
	vac := Vacation{From: time.Date(2027, 2, 10, 0, 0, 0, 0, loc), Until: time.Date(2027, 2, 26, 0, 0, 0, 0, loc), Note: "hiking"}
	s, err := New("0 9 * * 1", loc, []Vacation{vac}) // Mondays
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		after    time.Time
		wantSend time.Time
		wantVac  bool
	}{
		{"last issue before the vacation", at(2, 8), at(3, 1), true},
		{"two weeks before", at(2, 1), at(2, 8), false},
		{"inside the vacation", at(2, 16), at(3, 1), true},
		{"after the vacation", at(3, 1), at(3, 8), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := s.NextSending(tt.after)
			if !ok || !r.At.Equal(tt.wantSend) || r.Skip {
				t.Errorf("NextSending = %v %v, want %v", r, ok, tt.wantSend)
			}
			v, back, ok := s.UpcomingVacation(tt.after)
			if ok != tt.wantVac {
				t.Fatalf("UpcomingVacation ok = %v, want %v", ok, tt.wantVac)
			}
			if ok && (v.Note != "hiking" || !v.Until.Equal(vac.Until) || !back.At.Equal(tt.wantSend)) {
				t.Errorf("UpcomingVacation = %+v back %v, want hiking until %v back %v", v, back.At, vac.Until, tt.wantSend)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	loc := mustLoc(t, "Europe/Berlin")
	from := time.Date(2027, 1, 10, 0, 0, 0, 0, loc)
	tests := []struct {
		name      string
		spec      string
		loc       *time.Location
		vacations []Vacation
		wantText  string
	}{
		{"garbage", "every monday", loc, nil, "parse"},
		{"six fields", "0 0 9 * * 1", loc, nil, "parse"},
		{"every descriptor", "@every 1h", loc, nil, "@every"},
		{"never runs", "0 0 30 2 *", loc, nil, "never runs"},
		{"no location", "@daily", nil, nil, "time zone"},
		{"until before from", "@daily", loc, []Vacation{{From: from, Until: from.Add(-time.Hour)}}, "vacation 1: until"},
		{"until equals from", "@daily", loc, []Vacation{{From: from, Until: from.Add(time.Hour)}, {From: from, Until: from}}, "vacation 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.spec, tt.loc, tt.vacations)
			if !errors.Is(err, ErrBadSpec) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("New(%q) error = %v, want ErrBadSpec mentioning %q", tt.spec, err, tt.wantText)
			}
		})
	}
}

func TestVacationsAreCopied(t *testing.T) {
	loc := time.UTC
	vs := []Vacation{{From: time.Date(2027, 1, 1, 0, 0, 0, 0, loc), Until: time.Date(2027, 1, 5, 0, 0, 0, 0, loc)}}
	s, err := New("@daily", loc, vs)
	if err != nil {
		t.Fatal(err)
	}
	vs[0].Until = vs[0].From.Add(time.Hour)
	r, _ := s.Next(time.Date(2027, 1, 2, 12, 0, 0, 0, loc))
	if !r.Skip {
		t.Errorf("run %v sends after the caller changed its slice; want the schedule's own copy", r.At)
	}
}
