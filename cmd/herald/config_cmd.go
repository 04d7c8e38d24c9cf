package main

import (
	"context"
	"fmt"
	"text/tabwriter"
)

var configCommand = command{
	name:    "config",
	summary: "print the effective configuration and where each value came from",
	about: `Loads the config file, applies defaults and HERALD_* environment overrides, validates
everything, and prints every effective value with its source (default, FILE:LINE or the
environment variable). Secrets are masked.`,
	run: runConfig,
}

func runConfig(_ context.Context, c *command, args []string, e env) error {
	fs := newFlagSet(c, e)
	cfgPath := fs.String("config", "", "config `file` (default $HERALD_CONFIG or herald.toml)")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath, e)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "# %s\n", cfg.File)
	for _, s := range cfg.Settings() {
		fmt.Fprintf(tw, "%s\t= %s\t# %s\n", s.Key, s.TOML(), s.Source)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	return nil
}
