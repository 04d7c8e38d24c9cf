package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/heraldhq/herald/internal/app"
	heraldmail "github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/plural"
	"github.com/heraldhq/herald/internal/store"
)

var sendCommand = command{
	name:    "send",
	summary: "finish unfinished issues and send one newsletter issue now (or a dry run, or a test copy)",
	about: `First resumes the issues a crash, a stop or a relay failure left unfinished, oldest first; then
sends an issue now with the posts published since the last one, through the configured SMTP server
(or the outbox folder), recording every delivery in the ledger. Stop herald serve first when the
store is SQLite; with PostgreSQL several senders share the work.

After a herald was killed in the middle of an issue, the deliveries it had claimed stay under its
lease with PostgreSQL (15 seconds at most; SQLite takes them back at once): herald send says how
many it waits for and until when, then resumes them when the lease ends. Those it was handing to
the relay may have gone out: they are held uncertain, never resent by themselves (see
-resend-uncertain).

On a database with no baseline (herald serve never ran with the newsletter on), the existing posts
are recorded as sent and nothing is mailed: only posts published from then on go out.

A relay that refuses herald (wrong password, TLS, a refused greeting or sender) stops the send at
once; one it cannot reach is tried for smtp.give_up_after (default 60s). The issue then stays open,
nobody's bounce is counted, and the exit status is 1: fix the setting named and run herald send
again. Ctrl-C (or SIGTERM) lets the message in flight finish, puts the rest back and says what
remains. Exit status 1 also when any delivery failed or is uncertain.

  -dry-run DIR         write the messages each subscriber would get into DIR as .eml files (the
                       same bytes as a real send now, DKIM signature and Message-IDs included);
                       nothing else changes; works during a vacation
  -to ADDR             send one test copy to ADDR (one per post in per-post mode); nothing is
                       recorded; works during a vacation
  -ignore-vacation     send even inside a declared vacation
  -resend-uncertain    resend the deliveries the relay may or may not have (listed uncertain by
                       herald issues), of every issue or of the one given with -issue`,
	run: runSend,
}

func runSend(ctx context.Context, c *command, args []string, e env) error {
	fs := newCmdFlags(c, e)
	var opts newsletter.SendOptions
	fs.StringVar(&opts.DryRunDir, "dry-run", "", "write the messages into `dir` instead of sending")
	fs.StringVar(&opts.To, "to", "", "send one test copy to `address`")
	fs.BoolVar(&opts.IgnoreVacation, "ignore-vacation", false, "send even inside a vacation")
	resend := fs.Bool("resend-uncertain", false, "resend the uncertain deliveries of every issue (or of -issue)")
	issueID := fs.Int64("issue", 0, "with -resend-uncertain: only this issue `id`")
	cfg, err := fs.load(args, func() error {
		if opts.DryRunDir != "" && (opts.To != "" || *resend) || opts.To != "" && *resend {
			return fmt.Errorf("%w: -dry-run, -to and -resend-uncertain exclude each other", errUsage)
		}
		if *issueID != 0 && !*resend {
			return fmt.Errorf("%w: -issue goes with -resend-uncertain", errUsage)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var transport heraldmail.Transport
	if opts.DryRunDir != "" {
		dkim, err := app.LoadDKIM(cfg)
		if err != nil {
			return err
		}
		transport = app.Discard{DKIM: dkim}
	}
	g, err := app.OpenEngine(ctx, cfg, transport, opts.DryRunDir == "" && opts.To == "", e.clock, e.stderr)
	if err != nil {
		return err
	}
	defer g.Close()
	if *resend {
		return resendUncertain(ctx, g, *issueID, e)
	}
	start := time.Now()
	opts.SingleInstance = app.SingleInstance(cfg)
	line := progress(e.stderr, start)
	if line != nil {
		opts.Progress = line.report
	}
	opts.Resuming = func(is store.Issue, open int) {
		fmt.Fprintf(e.stdout, "Resuming issue %d: %s pending\n", is.ID, plural.Grouped(open, "delivery"))
	}
	opts.Held = func(h newsletter.Held) {
		line.interrupt()
		printHeld(e.stdout, h)
	}
	res, err := g.News.SendNow(ctx, opts)
	if errors.Is(err, newsletter.ErrNothingNew) {
		fmt.Fprintln(e.stdout, "Nothing new since the last issue; nothing sent")
		return nil
	}
	ended := "Done in"
	switch {
	case ctx.Err() != nil:
		ended = "" // sendStopped says it stopped and what remains
	case err != nil:
		ended = "Stopped after"
	}
	printSendResult(e.stdout, opts, res, ended, time.Since(start))
	if err != nil {
		return sendStopped(ctx, e.stdout, res, err)
	}
	if res.Failed > 0 || res.Uncertain > 0 {
		return errFailed
	}
	return nil
}

// printSendResult writes what a send did. ended ("Done in", "Stopped
// after" or nothing) leads the line that gives the time a single issue took:
// a send the relay broke off must not read as done.
func printSendResult(w io.Writer, opts newsletter.SendOptions, res newsletter.SendResult, ended string, took time.Duration) {
	if res.Vacation != "" && (opts.DryRunDir != "" || opts.To != "" || len(res.Issues) > 0) {
		fmt.Fprintf(w, "A vacation is on (%s)", res.Vacation)
		switch {
		case opts.DryRunDir != "" || opts.To != "":
			fmt.Fprintln(w, "; subscribers get nothing until it ends")
		default:
			fmt.Fprintln(w, "; no new issue opened (use -ignore-vacation to send one)")
		}
	}
	switch {
	case res.FirstSend && opts.DryRunDir == "" && opts.To == "":
		fmt.Fprintf(w, "First send on this database: %s recorded as sent; posts published from now on will be mailed\n",
			plural.Grouped(res.Existing, "existing post"))
	case res.FirstSend:
		fmt.Fprintf(w, "First send on this database: %s would be recorded as sent and nothing mailed; nothing recorded\n",
			plural.Grouped(res.Existing, "existing post"))
	case opts.DryRunDir != "":
		fmt.Fprintf(w, "Dry run: %s written to %s (%s without a matching post); nothing recorded\n",
			plural.Count(res.Sent, "message"), opts.DryRunDir, plural.Count(res.Skipped, "subscriber"))
	case opts.To != "":
		fmt.Fprintf(w, "%s sent to %s; nothing recorded\n", plural.Capitalized(plural.Count(res.Sent, "test copy")), opts.To)
	default:
		for _, ir := range res.Issues {
			fmt.Fprintf(w, "Issue %d%s: %s\n", ir.IssueID, postNote(ir), tally(ir.Sent, ir.Failed, ir.Skipped, ir.Uncertain, ir.Open))
		}
		if len(res.Issues) > 1 {
			fmt.Fprintf(w, "Total: %s in %s\n", tally(res.Sent, res.Failed, res.Skipped, res.Uncertain, res.Open), took.Round(time.Millisecond))
		} else if len(res.Issues) == 1 && ended != "" {
			fmt.Fprintf(w, "%s %s\n", ended, took.Round(time.Millisecond))
		}
	}
}

// printHeld says what a send waits for, or what came of it, when another
// herald holds deliveries of the issue under its lease: a send that waits
// in silence reads as hung.
func printHeld(w io.Writer, h newsletter.Held) {
	until := h.Until.Format("15:04:05 MST")
	switch h.Event {
	case newsletter.HeldWaiting:
		fmt.Fprintf(w, "Waiting for %s of issue %d claimed by another herald (stopped, or still sending %s) until %s at the latest\n",
			plural.Grouped(h.Deliveries(), "delivery"), h.IssueID, plural.Them(h.Deliveries()), until)
	case newsletter.HeldRenewed:
		fmt.Fprintf(w, "The other herald renewed its lease on %s of issue %d: it is still sending %s; waiting until it is done\n",
			plural.Grouped(h.Deliveries(), "delivery"), h.IssueID, plural.Them(h.Deliveries()))
	case newsletter.HeldResumed:
		fmt.Fprintf(w, "The other herald's lease ended at %s", until)
		if h.Claimed > 0 {
			fmt.Fprintf(w, ": resuming its %s of issue %d", plural.Grouped(h.Claimed, "claimed delivery"), h.IssueID)
		}
		fmt.Fprintln(w)
		if h.Sending > 0 {
			fmt.Fprintf(w, "%s it was handing to the relay %s held uncertain, not sent again (the relay may have %s): "+
				"see herald issues show %d; herald send -resend-uncertain -issue %d sends %s again\n",
				plural.Capitalized(plural.Grouped(h.Sending, "delivery")), isAre(h.Sending), plural.Them(h.Sending),
				h.IssueID, h.IssueID, plural.Them(h.Sending))
		}
	}
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// postNote names the post of a per-post issue.
func postNote(ir newsletter.IssueResult) string {
	if len(ir.PostIDs) == 1 && strings.Contains(ir.Key, "/") {
		return " (post " + ir.PostIDs[0] + ")"
	}
	return ""
}

func tally(sent, failed, skipped, uncertain, open int) string {
	s := fmt.Sprintf("%s sent, %s failed, %s skipped, %s uncertain", plural.Num(sent), plural.Num(failed), plural.Num(skipped), plural.Num(uncertain))
	if open > 0 {
		s += ", " + plural.Num(open) + " still pending"
	}
	return s
}

// sendStopped says why a send stopped and what remains, and returns the
// error to exit with.
func sendStopped(ctx context.Context, w io.Writer, res newsletter.SendResult, err error) error {
	remains := ""
	for _, ir := range res.Issues {
		if ir.Open > 0 {
			remains += fmt.Sprintf("; issue %d has %s pending", ir.IssueID, plural.Grouped(ir.Open, "delivery"))
		}
	}
	var re *newsletter.RelayError
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(w, "Stopped%s; run herald send again to finish\n", remains)
		return errFailed
	case errors.As(err, &re):
		if remains == "" {
			remains = "; the issue stays open"
		}
		return fmt.Errorf("%w%s; no subscriber was counted as bounced; run herald send again once the relay works", err, remains)
	case errors.Is(err, newsletter.ErrRetriesLater):
		return fmt.Errorf("%w%s; run herald send again later, or let herald serve finish it", err, remains)
	}
	if remains != "" {
		return fmt.Errorf("%w%s", err, remains)
	}
	return err
}

// progressLine reports count, rate and time left on a terminal, on one
// line it redraws.
type progressLine struct {
	w     io.Writer
	start time.Time

	mu   sync.Mutex
	open bool // a line is drawn and not ended
}

// progress returns the progress line of a send on w when w is a terminal;
// nil elsewhere.
func progress(w io.Writer, start time.Time) *progressLine {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progressLine{w: w, start: start}
}

func (p *progressLine) report(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := time.Since(p.start).Seconds()
	rate := float64(done) / max(elapsed, 1e-3)
	left := "?"
	if rate > 0 && total >= done {
		left = (time.Duration(float64(total-done)/rate) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r%d/%d sent, %.0f/s, %s left   ", done, total, rate, left)
	p.open = done < total
	if !p.open {
		fmt.Fprintln(p.w)
	}
}

// interrupt ends the line drawn so far, so that a line printed now, in the
// middle of a send, starts on a line of its own. A nil line does nothing.
func (p *progressLine) interrupt() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}

func resendUncertain(ctx context.Context, g *app.Engine, issueID int64, e env) error {
	n, err := g.News.ResendUncertain(ctx, issueID)
	if err != nil {
		return err
	}
	where := "of every issue"
	if issueID != 0 {
		where = fmt.Sprintf("of issue %d", issueID)
	}
	if n == 0 {
		fmt.Fprintf(e.stdout, "No uncertain delivery to send again (%s checked)\n", strings.TrimPrefix(where, "of "))
		return nil
	}
	fmt.Fprintf(e.stdout, "%s %s sent again (same Message-IDs)\n", plural.Capitalized(plural.Grouped(n, "uncertain delivery")), where)
	return nil
}
