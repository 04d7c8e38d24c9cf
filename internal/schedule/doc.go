// Package schedule turns the newsletter's cron expression, time zone and
// declared vacations into the coming runs, each one marked "send" or
// "skip" with the reason.
//
// The expression has five fields (minute, hour, day of month, month, day
// of week) or is one of the descriptors @yearly, @monthly, @weekly, @daily,
// @hourly (and their aliases); @every is refused, since a newsletter runs at
// wall-clock times. Times are matched on the wall clock of the schedule's
// location, so daylight-saving changes behave as a person expects:
//
//   - a run whose wall-clock time falls in the hour skipped in spring runs
//     once, at the first instant after the gap (02:30 becomes 03:00);
//   - a run in the hour repeated in autumn runs once, at its first
//     occurrence.
//
// A vacation covers the instants From <= t < Until: a run at exactly From
// is skipped, a run at exactly Until sends. Vacations may overlap; a run
// inside several is attributed to the one that ends last.
package schedule
