// Command herald turns a folder of Markdown posts into RSS, Atom and JSON
// feeds, serves them, and runs the blog's email newsletter. Run `herald help`
// for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/heraldhq/herald/internal/clock"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	err := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, environ: os.Environ(), hup: hup})
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// env is what a command may touch of the outside world, so that tests call
// run with buffers and a chosen environment.
type env struct {
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	environ []string
	// hup delivers reload requests (SIGHUP) to serve; nil means none.
	hup <-chan os.Signal
	// ready, when set, receives the listening address once serve accepts.
	ready func(addr string)
	// clock is the time source of serve; nil means the system clock.
	clock clock.Clock
}

// errUsage marks a command-line mistake: exit status 2, usage printed.
var errUsage = errors.New("usage")

// errFailed marks a command that ran but found problems it already printed:
// exit status 1, nothing more to say.
var errFailed = errors.New("failed")

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage):
		if msg := err.Error(); msg != errUsage.Error() {
			fmt.Fprintln(stderr, "herald:", msg)
		}
		return 2
	case errors.Is(err, errFailed):
		return 1
	default:
		fmt.Fprintln(stderr, "herald:", err)
		return 1
	}
}

func run(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		printHelp(e.stderr)
		return fmt.Errorf("%w: no command given", errUsage)
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return runHelp(rest, e)
	case "-version", "--version":
		name = "version"
	}
	cmd := findCommand(name)
	if cmd == nil {
		printHelp(e.stderr)
		return fmt.Errorf("%w: unknown command %q; see `herald help`", errUsage, name)
	}
	return cmd.run(ctx, cmd, rest, e)
}
