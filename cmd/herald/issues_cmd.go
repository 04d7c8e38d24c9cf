package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/heraldhq/herald/internal/app"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/plural"
	"github.com/heraldhq/herald/internal/store"
)

var issuesCommand = command{
	name:    "issues",
	args:    "[show ID] [flags]",
	summary: "list the newsletter issues and what went out (the record of every delivery)",
	about: `The operator's record of what went out, from the deliveries ledger. It only reads the database
and can run while herald serve or herald send does.

  herald issues [-n N] [-json]         the latest issues, newest first: id, run time, mode, posts,
                                       sent, failed, skipped, uncertain, pending, status
  herald issues show ID [-json]        one issue: its posts, its counts, each failed delivery
                                       with its last error, and the uncertain addresses (the relay
                                       may have them; herald send -resend-uncertain -issue ID sends
                                       them again)`,
	run: runIssues,
}

func runIssues(ctx context.Context, c *command, args []string, e env) error {
	show := len(args) > 0 && args[0] == "show"
	var idArg []string // the id, before or after the flags
	if show {
		args = args[1:]
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			idArg, args = args[:1], args[1:]
		}
	}
	fs := newFlagSet(c, e)
	cfgPath := fs.String("config", "", "config `file` (default $HERALD_CONFIG or herald.toml)")
	limit := fs.Int("n", 20, "list the latest `N` issues")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	var id int64
	switch rest := append(idArg, fs.Args()...); {
	case show && len(rest) != 1:
		return fmt.Errorf("%w: herald issues show takes one issue id", errUsage)
	case show:
		var err error
		if id, err = strconv.ParseInt(rest[0], 10, 64); err != nil || id <= 0 {
			return fmt.Errorf("%w: issue id %q is not a number", errUsage, rest[0])
		}
	case len(rest) > 0:
		return fmt.Errorf("%w: unexpected %q (did you mean herald issues show ID?)", errUsage, rest[0])
	case *limit <= 0:
		return fmt.Errorf("%w: -n must be at least 1", errUsage)
	}
	cfg, err := loadConfig(*cfgPath, e)
	if err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	if show {
		return showIssue(ctx, st, id, *asJSON, e.stdout)
	}
	return listIssues(ctx, st, *limit, *asJSON, e.stdout)
}

func listIssues(ctx context.Context, st store.Store, limit int, asJSON bool, w io.Writer) error {
	rows, err := newsletter.ListIssueReports(ctx, st, limit)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(w, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(w, "No issue yet")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "ID\tRUN (UTC)\tMODE\tPOSTS\tSENT\tFAILED\tSKIPPED\tUNCERTAIN\tPENDING\t STATUS")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t %s\n", r.ID, r.Run.UTC().Format("2006-01-02 15:04"), r.Mode,
			len(r.Posts), plural.Num(r.Sent), plural.Num(r.Failed), plural.Num(r.Skipped), plural.Num(r.Uncertain), plural.Num(r.Pending), r.StatusText())
	}
	return tw.Flush()
}

func showIssue(ctx context.Context, st store.Store, id int64, asJSON bool, w io.Writer) error {
	d, err := newsletter.IssueDetailReport(ctx, st, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no issue %d (herald issues lists them)", id)
	}
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(w, d)
	}
	fmt.Fprintf(w, "Issue %d (%s mode, run %s UTC): %s\n", d.ID, d.Mode, d.Run.Format("2006-01-02 15:04:05"), d.StatusText())
	fmt.Fprintf(w, "Posts: %s\n", strings.Join(orNone(d.Posts), ", "))
	fmt.Fprintf(w, "Deliveries: %s\n", tally(d.Sent, d.Failed, d.Skipped, d.Uncertain, d.Pending))
	if len(d.FailedDeliveries) > 0 {
		fmt.Fprintf(w, "\nFailed (%d):\n", len(d.FailedDeliveries))
		for _, f := range d.FailedDeliveries {
			fmt.Fprintf(w, "  %s  after %s: %s\n", f.Email, plural.Count(f.Attempts, "attempt"), f.LastError)
		}
	}
	if len(d.UncertainDeliveries) > 0 {
		fmt.Fprintf(w, "\nUncertain (%d): the relay may have them; herald send -resend-uncertain -issue %d sends them again\n",
			len(d.UncertainDeliveries), d.ID)
		for _, u := range d.UncertainDeliveries {
			fmt.Fprintf(w, "  %s  %s\n", u.Email, u.LastError)
		}
	}
	return nil
}

func orNone(list []string) []string {
	if len(list) == 0 {
		return []string{"(none)"}
	}
	return list
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
