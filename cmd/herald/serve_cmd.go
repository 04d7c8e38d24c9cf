package main

import (
	"context"

	"github.com/heraldhq/herald/internal/app"
)

var serveCommand = command{
	name:    "serve",
	summary: "run the daemon: watch posts and config, serve feeds and pages, send the newsletter",
	about: `Runs herald until SIGINT or SIGTERM: builds the feeds, watches the posts folder, the config
file and templates_dir and rebuilds what changed (telling the WebSub hub of feeds.hub which feeds
changed), publishes future-dated posts when their time comes, serves feeds, pages and the
subscriber flow over HTTP, and sends the newsletter on its schedule.

An invalid config, or a template that does not parse, is logged with its file and line and the
last good one stays in force; at the start it stops herald before anything is written. SIGHUP
reloads the config, reads the templates of templates_dir again, reads every post again and
rebuilds every feed. A rebuild that cannot write the feeds is retried with backoff until it
succeeds; the last good feeds are served meanwhile and /healthz says "degraded". A second herald
on the same data folder refuses to start.`,
	run: runServe,
}

func runServe(ctx context.Context, c *command, args []string, e env) error {
	fs := newCmdFlags(c, e)
	cfg, err := fs.load(args)
	if err != nil {
		return err
	}
	d, err := app.Start(ctx, cfg, app.Env{
		Stdout: e.stdout, Stderr: e.stderr, Environ: e.environ, Hup: e.hup, Ready: e.ready,
		Clock: e.clock, Version: moduleVersion(readBuildInfo()),
	})
	if err != nil {
		return err
	}
	return d.Wait()
}
