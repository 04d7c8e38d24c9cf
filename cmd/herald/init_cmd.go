package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/heraldhq/herald/internal/app"
)

var initCommand = command{
	name:    "init",
	args:    "DIR",
	summary: "scaffold a new site: a commented herald.toml and a posts folder",
	about: `Creates DIR (when missing) with a commented herald.toml made from the same source as
config.example.toml, and posts/ with one welcome post. It refuses to overwrite anything that
exists. To use an existing Hugo or Jekyll site instead, point [posts] dir at its content folder
(Hugo: content/posts, Jekyll: _posts).`,
	run: runInit,
}

func runInit(_ context.Context, c *command, args []string, e env) error {
	flags := newFlagSet(c, e)
	if err := parseFlags(flags, args, e); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return fmt.Errorf("%w: expected one DIR, got %d arguments", errUsage, flags.NArg())
	}
	dir := flags.Arg(0)
	if err := app.InitSite(dir, time.Now()); err != nil {
		return err
	}
	cfg := filepath.Join(dir, "herald.toml")
	fmt.Fprintf(e.stdout, `Created %s and %s.
Next: edit [site] and [authors] in %s, then run
  herald serve -config %s
To publish an existing Hugo or Jekyll site instead, set [posts] dir to its content folder
(for example "../myblog/content/posts" or "../myblog/_posts") and delete %s.
`, cfg, filepath.Join(dir, "posts"), cfg, cfg, filepath.Join(dir, "posts"))
	return nil
}
