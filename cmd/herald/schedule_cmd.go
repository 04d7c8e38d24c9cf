package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/heraldhq/herald/internal/app"
	"github.com/heraldhq/herald/internal/clock"
	"github.com/heraldhq/herald/internal/plural"
)

var scheduleCommand = command{
	name:    "schedule",
	summary: "print the coming newsletter runs, marking those a vacation skips",
	about: `Prints the next runs of [newsletter] schedule in the newsletter's time zone. A run inside a
[[vacation]] period is marked "skip" with the vacation and its note; the others send. When the
list ends inside a vacation, the first run that sends after it follows, with the number of
skipped runs left out, however small -n is.`,
	run: runSchedule,
}

func runSchedule(_ context.Context, c *command, args []string, e env) error {
	fs := newCmdFlags(c, e)
	n := fs.Int("n", 10, "number of runs to print")
	cfg, err := fs.load(args, func() error {
		if *n < 1 {
			return fmt.Errorf("%w: -n must be at least 1", errUsage)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sched, err := app.NewSchedule(cfg)
	if err != nil {
		return err
	}
	if !cfg.Newsletter.Enabled {
		fmt.Fprintln(e.stderr, "note: the newsletter is off ([newsletter] enabled = false); these runs would happen once it is on")
	}
	fmt.Fprintf(e.stdout, "Schedule %q in %s\n", cfg.Newsletter.Schedule, cfg.Newsletter.TimeZone)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	runs := sched.Runs(clock.Or(e.clock).Now(), *n)
	for _, r := range runs {
		what := "send"
		if r.Skip {
			what = "skip: " + r.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\n", r.At.In(sched.Location()).Format(runLayout), what)
	}
	// When the list ends inside a vacation, say when issues resume.
	if len(runs) > 0 && runs[len(runs)-1].Skip {
		skipped, next, ok := sched.SkippedUntil(runs[len(runs)-1].At)
		switch {
		case !ok:
			fmt.Fprintf(tw, "...\tno run sends within five years\n")
		case skipped > 0:
			fmt.Fprintf(tw, "...\t%s skipped\n", plural.Count(skipped, "more run"))
		}
		if ok {
			fmt.Fprintf(tw, "%s\tsend: first run after the vacation\n", next.At.In(sched.Location()).Format(runLayout))
		}
	}
	return tw.Flush()
}

const runLayout = "Mon 2006-01-02 15:04 MST"
