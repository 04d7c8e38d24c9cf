package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/heraldhq/herald/internal/app"
	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/plural"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

var subscribersCommand = command{
	name:    "subscribers",
	args:    "list|add|remove|import|export [flags] [arguments]",
	summary: "list, add, remove, import and export newsletter subscribers",
	about: `Manages the subscriber list in the configured database; it can run while herald serve does.

  herald subscribers list [-status S] [-json]    one subscriber a line: email, status, topics, dates
  herald subscribers add [-name N] [-topics T] [-confirmed] EMAIL
                                                 add an address: active with -confirmed, else pending
                                                 (they confirm through the form's email); name and
                                                 topics follow the form's rules
  herald subscribers remove EMAIL                delete an address and its data for good
  herald subscribers import [-skip-invalid] [-status S] FILE.csv
                                                 import a CSV with a header row (herald, Mailchimp or
                                                 listmonk export); unsubscribed people stay unsubscribed
  herald subscribers export [-o FILE.csv]        every subscriber as CSV (standard output by default)

Every subcommand takes -config FILE; see herald subscribers SUBCOMMAND -h.`,
	run: runSubscribers,
}

// cli is an opened config and store for a one-shot command.
type cli struct {
	e     env
	cfg   *config.Config
	store store.Store
	args  []string
}

// subcommand declares its flags on fs and returns the function to run.
type subcommand func(fs *flag.FlagSet) (synopsis string, run func(ctx context.Context, c *cli) error)

func subscriberCommands() map[string]subcommand {
	return map[string]subcommand{
		"list": subscribersList, "add": subscribersAdd, "remove": subscribersRemove,
		"import": subscribersImport, "export": subscribersExport,
	}
}

func runSubscribers(ctx context.Context, c *command, args []string, e env) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := parseFlags(newFlagSet(c, e), args, e); err != nil {
			return err
		}
		return fmt.Errorf("%w: name a subcommand: list, add, remove, import or export (herald subscribers -h)", errUsage)
	}
	sub, ok := subscriberCommands()[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown subcommand %q: use list, add, remove, import or export", errUsage, args[0])
	}
	sc := &command{name: "subscribers " + args[0], about: c.about}
	fs := newCmdFlags(sc, e)
	synopsis, run := sub(fs.FlagSet)
	sc.args = synopsis
	cfg, err := fs.load(args[1:])
	if err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	return run(ctx, &cli{e: e, cfg: cfg, store: st, args: fs.Args()})
}

// oneArg returns the single positional argument named what.
func (c *cli) oneArg(what string) (string, error) {
	if len(c.args) != 1 {
		return "", fmt.Errorf("%w: expected one %s, got %d arguments", errUsage, what, len(c.args))
	}
	return c.args[0], nil
}

func subscribersList(fs *flag.FlagSet) (string, func(context.Context, *cli) error) {
	status := fs.String("status", "", "only subscribers with this `status`: pending, active, unsubscribed or bounced")
	asJSON := fs.Bool("json", false, "print a JSON array for scripts")
	return "", func(ctx context.Context, c *cli) error {
		var st subscriber.Status
		if *status != "" {
			var err error
			if st, err = subscriber.ParseStatus(*status); err != nil {
				return fmt.Errorf("%w: %w", errUsage, err)
			}
		}
		next := store.Pages(ctx, c.store, store.ListFilter{Status: st})
		if *asJSON {
			return listJSON(c, next)
		}
		return listText(c, next)
	}
}

func listText(c *cli, next func() ([]subscriber.Subscriber, error)) error {
	tw := tabwriter.NewWriter(c.e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tSTATUS\tTOPICS\tSUBSCRIBED\tCONFIRMED\tLEFT")
	for {
		batch, err := next()
		if err != nil || len(batch) == 0 {
			tw.Flush()
			return err
		}
		for _, s := range batch {
			topics := strings.Join(s.Topics, " ")
			if topics == "" {
				topics = "all"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", subscriber.Display(s.Email), s.Status, topics,
				day(s.CreatedAt), day(s.ConfirmedAt), day(s.UnsubscribedAt))
		}
	}
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

func listJSON(c *cli, next func() ([]subscriber.Subscriber, error)) error {
	return subscriber.WriteJSON(c.e.stdout, next)
}

func subscribersAdd(fs *flag.FlagSet) (string, func(context.Context, *cli) error) {
	name := fs.String("name", "", "the subscriber's `name`")
	topics := fs.String("topics", "", "`topics` they want, e.g. \"tag:go author:ana\" (default every post)")
	confirmed := fs.Bool("confirmed", false, "add as active: they already agreed (no confirmation email)")
	return "EMAIL", func(ctx context.Context, c *cli) error {
		email, err := c.oneArg("EMAIL")
		if err != nil {
			return err
		}
		s, err := subscriber.New(email, *name, subscriber.SplitTopics(*topics), subscriber.SourceCLI)
		if err != nil {
			return err
		}
		now := time.Now()
		created, err := c.store.CreateSubscriber(ctx, &s, now)
		if err != nil {
			return err
		}
		if !created {
			return fmt.Errorf("%s is already on the list (%s); use herald subscribers remove first to start over", subscriber.Display(s.Email), s.Status)
		}
		if *confirmed {
			if s, err = c.store.Confirm(ctx, s.ID, now); err != nil {
				return err
			}
			fmt.Fprintf(c.e.stdout, "Added %s as %s\n", subscriber.Display(s.Email), s.Status)
			return nil
		}
		if err := app.SendConfirmation(ctx, c.cfg, c.store, s, c.e.clock, c.e.stderr); err != nil {
			return fmt.Errorf("added %s as pending, but the confirmation email failed: %w (they can subscribe again through the form)", subscriber.Display(s.Email), err)
		}
		fmt.Fprintf(c.e.stdout, "Added %s as pending; the confirmation email is on its way\n", subscriber.Display(s.Email))
		return nil
	}
}

func subscribersRemove(*flag.FlagSet) (string, func(context.Context, *cli) error) {
	return "EMAIL", func(ctx context.Context, c *cli) error {
		email, err := c.oneArg("EMAIL")
		if err != nil {
			return err
		}
		key, err := subscriber.Normalize(email)
		if err != nil {
			return err
		}
		s, err := c.store.SubscriberByEmail(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%s is not on the list", email)
		}
		if err != nil {
			return err
		}
		if err := c.store.DeleteSubscriber(ctx, s.ID); err != nil {
			return err
		}
		fmt.Fprintf(c.e.stdout, "Removed %s and all their data\n", subscriber.Display(s.Email))
		return nil
	}
}

func subscribersImport(fs *flag.FlagSet) (string, func(context.Context, *cli) error) {
	skip := fs.Bool("skip-invalid", false, "import the good rows even when some are rejected")
	status := fs.String("status", "", "`status` of rows without a status column (Mailchimp exports one file per status): active, pending, unsubscribed or bounced")
	return "FILE.csv", func(ctx context.Context, c *cli) error {
		path, err := c.oneArg("FILE.csv")
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("open import file: %w", err)
		}
		defer f.Close()
		subs, rejected, err := subscriber.ReadCSV(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		st := subscriber.Active
		if *status != "" {
			if st, err = subscriber.ParseStatus(*status); err != nil {
				return fmt.Errorf("%w: -status: %w", errUsage, err)
			}
		}
		subscriber.FillStatus(subs, st)
		for _, r := range rejected {
			fmt.Fprintf(c.e.stderr, "%s:%d: %s\n", path, r.Line, r.Msg)
		}
		if len(rejected) > 0 && !*skip {
			fmt.Fprintf(c.e.stderr, "herald: %s rejected, nothing imported; fix %s or pass -skip-invalid to import the other %d\n",
				plural.Count(len(rejected), "row"), plural.Them(len(rejected)), len(subs))
			return errFailed
		}
		res, err := c.store.Import(ctx, subs, time.Now())
		if err != nil {
			return fmt.Errorf("import %s: %w (nothing was imported)", path, err)
		}
		fmt.Fprintf(c.e.stdout, "Imported %s: %d added, %d updated, %d unchanged, %d rejected\n",
			path, res.Added, res.Updated, res.Unchanged, len(rejected))
		return nil
	}
}

func subscribersExport(fs *flag.FlagSet) (string, func(context.Context, *cli) error) {
	out := fs.String("o", "", "write to `file` instead of standard output")
	return "", func(ctx context.Context, c *cli) error {
		w := c.e.stdout
		var f *os.File
		if *out != "" {
			var err error
			if f, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
				return fmt.Errorf("create export file: %w", err)
			}
			defer f.Close()
			w = f
		}
		n, err := subscriber.WriteCSV(w, store.Pages(ctx, c.store, store.ListFilter{}))
		if err != nil {
			return fmt.Errorf("export subscribers: %w", err)
		}
		if f != nil {
			if err := f.Close(); err != nil {
				return fmt.Errorf("write export file: %w", err)
			}
			fmt.Fprintf(c.e.stderr, "Exported %s to %s\n", plural.Count(n, "subscriber"), *out)
		}
		return nil
	}
}
