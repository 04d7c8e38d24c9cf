package schedule

import "time"

// nextInstant finds the first instant strictly after after whose wall clock
// matches the expression. The expression is matched on a naive wall clock
// (the location's clock read as UTC, which has no daylight saving); each
// match is then placed back in the location by instant.
func (s *Schedule) nextInstant(after time.Time) (time.Time, bool) {
	after = after.In(s.loc)
	wall := naive(after)
	for range maxScan {
		wall = s.cron.Next(wall)
		if wall.IsZero() {
			return time.Time{}, false
		}
		if at := s.instant(wall); at.After(after) {
			return at, true
		}
	}
	return time.Time{}, false
}

// naive reads t's wall clock as a UTC time.
func naive(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// instant returns the instant at which wall clock w occurs in the
// schedule's location: its first occurrence when the clock passes it twice
// (autumn), and the first instant after the gap when the clock jumps over
// it (spring).
func (s *Schedule) instant(w time.Time) time.Time {
	t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), s.loc)
	got := naive(t)
	switch {
	case got.After(w): // in the gap, Go moved it forward: the gap ends where this zone starts
		start, _ := t.ZoneBounds()
		return start
	case got.Before(w): // in the gap, Go moved it back: the gap starts where this zone ends
		_, end := t.ZoneBounds()
		return end
	}
	return s.firstOccurrence(t)
}

// firstOccurrence returns the earlier instant with the same wall clock as
// t, when the clock was set back shortly before t; else t.
func (s *Schedule) firstOccurrence(t time.Time) time.Time {
	start, _ := t.ZoneBounds()
	if start.IsZero() || t.Sub(start) > 24*time.Hour {
		return t
	}
	_, offNow := t.Zone()
	_, offBefore := start.Add(-time.Second).Zone()
	if offBefore <= offNow {
		return t
	}
	earlier := t.Add(-time.Duration(offBefore-offNow) * time.Second)
	if earlier.Before(start) && naive(earlier).Equal(naive(t)) {
		return earlier
	}
	return t
}
