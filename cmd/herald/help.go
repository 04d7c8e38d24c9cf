package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one subcommand of herald.
type command struct {
	name    string
	args    string // synopsis after the flags, e.g. "EMAIL"
	summary string // one line for `herald help`
	about   string // paragraph for `herald CMD -h`
	run     func(ctx context.Context, c *command, args []string, e env) error
}

// errHelp means -h was asked for and the usage was printed: exit status 0.
var errHelp = errors.New("help shown")

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return &c
		}
	}
	return nil
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `herald turns a folder of Markdown posts into RSS 2.0, Atom 1.0 and JSON Feed 1.1,
serves them, and runs the blog's email newsletter.

Usage: herald COMMAND [flags] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `  help           show help for a command: herald help COMMAND

Most commands take -config FILE (default: herald.toml in the current folder, or
the file named by HERALD_CONFIG). Every setting can be overridden with an
environment variable HERALD_<SECTION>_<KEY>, e.g. HERALD_SERVER_LISTEN.
Exit status: 0 success, 1 failure or problems found, 2 wrong usage.
Documentation: README.md and docs/ in the source tree.
`)
}

func runHelp(args []string, e env) error {
	if len(args) == 0 {
		printHelp(e.stdout)
		return nil
	}
	c := findCommand(args[0])
	if c == nil {
		return fmt.Errorf("%w: unknown command %q; see `herald help`", errUsage, args[0])
	}
	err := c.run(context.Background(), c, []string{"-h"}, env{stdout: e.stdout, stderr: e.stdout, environ: e.environ})
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// newFlagSet returns a flag set for c whose usage goes to e.stderr, or to
// e.stdout when the user asked for it with -h.
func newFlagSet(c *command, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("herald "+c.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: herald %s [flags] %s\n\n%s\n", c.name, c.args, strings.TrimSpace(c.about))
		if hasFlags(fs) {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args; -h prints the usage on stdout and returns errHelp.
func parseFlags(fs *flag.FlagSet, args []string, e env) error {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return errHelp
		}
		if a == "--" {
			break
		}
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return fs.Parse(append([]string{"--"}, pos...)) // fs.Args() are the arguments
}

// parseInterleaved parses the flags of args wherever they stand, before or
// after the arguments (`subscribers add EMAIL -confirmed`), and returns the
// arguments in order; everything after "--" is an argument.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}
