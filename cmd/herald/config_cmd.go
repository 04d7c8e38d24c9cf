package main

import (
	"context"
	"fmt"
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
	fs := newCmdFlags(c, e)
	cfg, err := fs.load(args)
	if err != nil {
		return err
	}
	if err := cfg.WriteSettings(e.stdout); err != nil {
		return err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	return nil
}
