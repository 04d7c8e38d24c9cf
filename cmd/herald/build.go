package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/heraldhq/herald/internal/app"
	"github.com/heraldhq/herald/internal/publish"
)

var buildCommand = command{
	name:    "build",
	summary: "write the feeds once and exit",
	about: `Reads every post, writes the RSS, Atom and JSON feeds (site, per tag, per author) to
feeds.output_dir (or -out DIR), each with its gzip copy beside it (rss.xml.gz), prints a one-line
summary and exits. A feed whose bytes did not change is not rewritten, and keeps its modification
time. Exit status 1 when any post was skipped for an error; every problem is
printed as path:line:col: message.`,
	run: runBuild,
}

func runBuild(ctx context.Context, c *command, args []string, e env) error {
	fs := newCmdFlags(c, e)
	out := fs.String("out", "", "write the feeds to `dir` instead of feeds.output_dir")
	cfg, err := fs.load(args)
	if err != nil {
		return err
	}
	dir := cfg.Feeds.OutputDir
	if *out != "" {
		dir = *out
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	pub, err := app.NewPublisher(cfg, dir, log)
	if err != nil {
		return err
	}
	if err := pub.LoadPosts(ctx); err != nil {
		return err
	}
	now := time.Now()
	r, err := pub.Publish(now)
	if err != nil {
		return err
	}
	if err := app.RecordSeen(ctx, cfg, pub.Library().Snapshot().Published(now), now); err != nil {
		return err
	}
	printProblems(e, r)
	for _, p := range pub.Library().Snapshot().DuplicateIDs() {
		fmt.Fprintf(e.stderr, "warning: %s\n", p.Error())
	}
	fmt.Fprintln(e.stdout, r.Summary("feeds in "+dir))
	if r.Skipped > 0 {
		return errFailed
	}
	return nil
}

func printProblems(e env, r publish.Result) {
	for _, n := range r.Notes {
		fmt.Fprintf(e.stderr, "note: %s\n", n.Error())
	}
	for _, p := range r.Problems {
		fmt.Fprintf(e.stderr, "error: %s\n", p.Error())
	}
	for _, w := range r.IDWarnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w.String())
	}
}
