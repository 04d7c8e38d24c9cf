package schedule

import (
	"testing"
	"time"
)

func TestNotice(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	day := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, paris) }
	tests := []struct {
		name     string
		spec     string
		vacation Vacation
		after    time.Time
		want     Notice
		ok       bool
	}{
		{"ends on a run day", "0 9 * * 1", Vacation{From: day(2026, 12, 14, 0), Until: day(2027, 1, 4, 0), Note: "Skiing. "},
			day(2026, 12, 7, 9), Notice{Until: day(2027, 1, 4, 0), Note: "Skiing", Next: day(2027, 1, 4, 9), SameDay: true}, true},
		{"ends between runs", "0 9 * * 1", Vacation{From: day(2026, 12, 14, 0), Until: day(2027, 2, 26, 0)},
			day(2026, 12, 7, 9), Notice{Until: day(2027, 2, 26, 0), Next: day(2027, 3, 1, 9)}, true},
		{"in force now", "0 9 * * 1", Vacation{From: day(2026, 12, 14, 0), Until: day(2027, 2, 26, 0), Note: "Away"},
			day(2027, 1, 20, 15), Notice{Until: day(2027, 2, 26, 0), Note: "Away", Next: day(2027, 3, 1, 9)}, true},
		{"next run sends", "0 9 * * 1", Vacation{From: day(2026, 12, 14, 0), Until: day(2027, 1, 4, 0)},
			day(2026, 11, 30, 9), Notice{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.spec, paris, []Vacation{tt.vacation})
			if err != nil {
				t.Fatal(err)
			}
			got, ok := s.Notice(tt.after)
			if ok != tt.ok || !got.Until.Equal(tt.want.Until) || !got.Next.Equal(tt.want.Next) ||
				got.Note != tt.want.Note || got.SameDay != tt.want.SameDay {
				t.Errorf("Notice = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
			if ok && got.Until.Location() != paris {
				t.Errorf("Until in %v, want the schedule's zone", got.Until.Location())
			}
		})
	}
}

func TestSkippedUntil(t *testing.T) {
	utcLoc := time.UTC
	v := Vacation{From: utc("2027-01-01T00:00:00Z"), Until: utc("2027-01-01T02:00:00Z")}
	s, err := New("* * * * *", utcLoc, []Vacation{v}) // every minute: 120 runs skipped
	if err != nil {
		t.Fatal(err)
	}
	n, next, ok := s.SkippedUntil(utc("2026-12-31T23:59:30Z"))
	if !ok || n != 120 || !next.At.Equal(utc("2027-01-01T02:00:00Z")) || next.Skip {
		t.Errorf("SkippedUntil = %d, %+v, %v; want 120 skipped, then 02:00 sends", n, next, ok)
	}
	if n, next, ok := s.SkippedUntil(utc("2027-01-01T03:00:00Z")); !ok || n != 0 || !next.At.Equal(utc("2027-01-01T03:01:00Z")) {
		t.Errorf("after the vacation: %d, %+v, %v; want 0 skipped and the next minute", n, next, ok)
	}
}
