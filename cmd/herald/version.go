package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at link time: -ldflags "-X main.version=v1.2.3".
var version = "devel"

var versionCommand = command{
	name:    "version",
	summary: "print the version and build information",
	about:   "Prints herald's version, the Go version, the VCS revision when known, and the version of every module built in.",
	run:     runVersion,
}

func runVersion(_ context.Context, c *command, args []string, e env) error {
	fs := newFlagSet(c, e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	printVersion(e.stdout, readBuildInfo())
	return nil
}

func readBuildInfo() *debug.BuildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	return bi
}

func printVersion(w io.Writer, bi *debug.BuildInfo) {
	fmt.Fprintf(w, "herald %s\n", moduleVersion(bi))
	fmt.Fprintf(w, "go: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if bi == nil {
		return
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision", "vcs.time", "vcs.modified":
			fmt.Fprintf(w, "%s: %s\n", s.Key, s.Value)
		}
	}
	fmt.Fprintln(w, "modules:")
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		fmt.Fprintf(w, "  %s %s\n", d.Path, d.Version)
	}
}

func moduleVersion(bi *debug.BuildInfo) string {
	if version != "devel" || bi == nil {
		return version
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	return version
}
