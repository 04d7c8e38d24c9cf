package main

import (
	"context"
	"fmt"
	"os"

	"github.com/heraldhq/herald/internal/app"
)

var previewCommand = command{
	name:    "preview",
	summary: "render the next newsletter issue without sending it",
	about: `Renders the next issue (subject, HTML and text) as a subscriber would get it: the sample
reader, or the subscriber named by -email. With nothing new since the last issue, the newest post
stands in so the layout can be checked. Writes nothing to the database.`,
	run: runPreview,
}

func runPreview(ctx context.Context, c *command, args []string, e env) error {
	fs := newCmdFlags(c, e)
	out := fs.String("o", "", "write the HTML part to `file` (the text part goes to standard output)")
	email := fs.String("email", "", "render for this subscriber (default: a sample reader)")
	cfg, err := fs.load(args)
	if err != nil {
		return err
	}
	g, err := app.OpenEngine(ctx, cfg, app.Discard{}, false, e.clock, e.stderr)
	if err != nil {
		return err
	}
	defer g.Close()
	subject, html, text, err := g.News.Preview(ctx, *email)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Subject: %s\n\n%s", subject, text)
	if *out == "" {
		return nil
	}
	if err := os.WriteFile(*out, []byte(html), 0o644); err != nil {
		return fmt.Errorf("write preview: %w", err)
	}
	fmt.Fprintf(e.stderr, "HTML part written to %s\n", *out)
	return nil
}
