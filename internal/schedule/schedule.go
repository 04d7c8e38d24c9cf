package schedule

import (
	"errors"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// Vacation is a declared period without issues: runs at From <= t < Until
// are skipped. Note is shown to readers and may be empty.
type Vacation struct {
	From  time.Time
	Until time.Time
	Note  string
}

// Covers reports whether t falls inside the vacation.
func (v Vacation) Covers(t time.Time) bool {
	return !t.Before(v.From) && t.Before(v.Until)
}

// Run is one scheduled time. Skip is true when a vacation covers it; then
// Reason says why ("vacation until 2027-02-26: note") and Vacation points
// at the vacation. Reason is empty and Vacation nil for a run that sends.
type Run struct {
	At       time.Time
	Skip     bool
	Reason   string
	Vacation *Vacation
}

// maxScan bounds the runs examined when looking for one that sends, so a
// minute-by-minute schedule inside a year-long vacation still answers.
const maxScan = 1_000_000

// ErrBadSpec wraps every reason New refuses an expression.
var ErrBadSpec = errors.New("invalid schedule")

// Schedule is a parsed cron expression in a location, with vacations. A
// Schedule is immutable and safe for concurrent use.
type Schedule struct {
	loc       *time.Location
	cron      *cron.SpecSchedule
	vacations []Vacation
}

// New parses spec (five fields or a descriptor) for location loc. Every
// vacation must have Until after From. Errors wrap ErrBadSpec.
func New(spec string, loc *time.Location, vacations []Vacation) (*Schedule, error) {
	if loc == nil {
		return nil, fmt.Errorf("%w: no time zone", ErrBadSpec)
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	parsed, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("%w: parse %q: %w", ErrBadSpec, spec, err)
	}
	cs, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("%w: %q: @every is not supported, use a cron expression", ErrBadSpec, spec)
	}
	c := *cs
	c.Location = time.UTC // matched on a wall clock without daylight saving
	if c.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, fmt.Errorf("%w: %q never runs", ErrBadSpec, spec)
	}
	for i, v := range vacations {
		if !v.Until.After(v.From) {
			return nil, fmt.Errorf("%w: vacation %d: until %s is not after from %s",
				ErrBadSpec, i+1, v.Until.Format(time.RFC3339), v.From.Format(time.RFC3339))
		}
	}
	return &Schedule{loc: loc, cron: &c, vacations: append([]Vacation(nil), vacations...)}, nil
}

// Location returns the schedule's time zone.
func (s *Schedule) Location() *time.Location { return s.loc }

// Vacations returns a copy of the declared vacations.
func (s *Schedule) Vacations() []Vacation { return append([]Vacation(nil), s.vacations...) }

// Next returns the first run strictly after after, in the schedule's
// location. ok is false when the expression has no run in the next five
// years (an expression that never runs is refused by New).
func (s *Schedule) Next(after time.Time) (run Run, ok bool) {
	at, ok := s.nextInstant(after)
	if !ok {
		return Run{}, false
	}
	return s.runAt(at), true
}

// Runs returns the next n runs after after; fewer when the expression has
// no more runs within five years of the last.
func (s *Schedule) Runs(after time.Time, n int) []Run {
	runs := make([]Run, 0, max(n, 0))
	for len(runs) < n {
		r, ok := s.Next(after)
		if !ok {
			break
		}
		runs = append(runs, r)
		after = r.At
	}
	return runs
}

// NextSending returns the first run after after that no vacation skips.
// ok is false when none is found within a million runs or five years.
func (s *Schedule) NextSending(after time.Time) (Run, bool) {
	for range maxScan {
		r, ok := s.Next(after)
		if !ok || !r.Skip {
			return r, ok
		}
		after = r.At
	}
	return Run{}, false
}

// UpcomingVacation reports the vacation that skips the run right after
// after, with back, the first run that sends again. ok is false when the
// next run sends (or there is no next run): no notice is due.
func (s *Schedule) UpcomingVacation(after time.Time) (v Vacation, back Run, ok bool) {
	next, found := s.Next(after)
	if !found || !next.Skip {
		return Vacation{}, Run{}, false
	}
	back, found = s.NextSending(next.At)
	if !found {
		return *next.Vacation, Run{}, true
	}
	return *next.Vacation, back, true
}

// At returns instant t as a Run (whether or not the expression matches
// it), skipped when a vacation covers t: the check for a manual send.
func (s *Schedule) At(t time.Time) Run { return s.runAt(t.In(s.loc)) }

// runAt builds the Run for instant at, consulting the vacations.
func (s *Schedule) runAt(at time.Time) Run {
	var cover *Vacation
	for i := range s.vacations {
		v := &s.vacations[i]
		if v.Covers(at) && (cover == nil || v.Until.After(cover.Until)) {
			cover = v
		}
	}
	if cover == nil {
		return Run{At: at}
	}
	v := *cover
	return Run{At: at, Skip: true, Reason: s.reason(v), Vacation: &v}
}

// reason formats "vacation until <date>[: note]" in the schedule's location.
func (s *Schedule) reason(v Vacation) string {
	until := v.Until.In(s.loc)
	layout := "2006-01-02"
	if until.Hour() != 0 || until.Minute() != 0 {
		layout = "2006-01-02 15:04"
	}
	r := "vacation until " + until.Format(layout)
	if v.Note != "" {
		r += ": " + v.Note
	}
	return r
}
