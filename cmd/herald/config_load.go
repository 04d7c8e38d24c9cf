package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/plural"
)

// cmdFlags is a command's flag set with the -config flag every command
// that reads the config takes.
type cmdFlags struct {
	*flag.FlagSet
	config *string
	e      env
}

func newCmdFlags(c *command, e env) cmdFlags {
	fs := newFlagSet(c, e)
	return cmdFlags{FlagSet: fs, config: fs.String("config", "", "config `file` (default $HERALD_CONFIG or herald.toml)"), e: e}
}

// load parses args, runs the checks of the flags (a usage mistake is
// reported before a config one), then loads the config.
func (f cmdFlags) load(args []string, checks ...func() error) (*config.Config, error) {
	if err := parseFlags(f.FlagSet, args, f.e); err != nil {
		return nil, err
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return nil, err
		}
	}
	return loadConfig(*f.config, f.e)
}

// loadConfig reads the config file named by -config (or HERALD_CONFIG, or
// herald.toml). Every problem is printed to stderr with its position; the
// returned error is then errFailed.
func loadConfig(path string, e env) (*config.Config, error) {
	if path == "" {
		path = lookupEnv(e.environ, "HERALD_CONFIG")
	}
	if path == "" {
		path = "herald.toml"
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("config file %s not found: pass -config FILE, or create a site with `herald init DIR`", path)
	}
	cfg, err := config.Load(path, e.environ)
	var errs config.Errors
	if errors.As(err, &errs) {
		fmt.Fprintln(e.stderr, errs.Error())
		fmt.Fprintf(e.stderr, "herald: %s has %s; fix %s and run again (see docs/configuration.md)\n", path, plural.Count(len(errs), "problem"), plural.Them(len(errs)))
		return nil, errFailed
	}
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

func lookupEnv(environ []string, name string) string {
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}
