package schedule

import (
	"strings"
	"time"
)

// Notice is what readers are told of the vacation that skips the run right
// after a time: the last issue before it and a welcome mail sent during it
// say when issues resume.
type Notice struct {
	Until time.Time // the vacation's end, in the schedule's location
	// Note is the vacation's note without surrounding space or final full
	// stops, so that a sentence can go on after it; may be empty.
	Note string
	// Next is the first run that sends after the vacation, in the
	// schedule's location; zero when none is found.
	Next time.Time
	// SameDay is true when Next falls on Until's calendar day: the notice
	// then names one date, not the same day twice.
	SameDay bool
}

// Notice returns the notice of the vacation that skips the run right after
// after; ok is false when that run sends (or there is none): nothing to say.
func (s *Schedule) Notice(after time.Time) (n Notice, ok bool) {
	v, back, ok := s.UpcomingVacation(after)
	if !ok {
		return Notice{}, false
	}
	n = Notice{Until: v.Until.In(s.loc), Note: strings.TrimRight(strings.TrimSpace(v.Note), ". ")}
	if !back.At.IsZero() {
		n.Next = back.At.In(s.loc)
		y1, m1, d1 := n.Until.Date()
		y2, m2, d2 := n.Next.Date()
		n.SameDay = y1 == y2 && m1 == m2 && d1 == d2
	}
	return n, true
}

// SkippedUntil returns the runs a vacation skips right after after, up to
// the first run that sends, and that run: how `herald schedule` shows
// when issues resume beyond the runs it lists. ok is false when no
// sending run is found.
func (s *Schedule) SkippedUntil(after time.Time) (skipped int, next Run, ok bool) {
	for range maxScan {
		r, found := s.Next(after)
		if !found {
			return skipped, Run{}, false
		}
		if !r.Skip {
			return skipped, r, true
		}
		skipped++
		after = r.At
	}
	return skipped, Run{}, false
}
