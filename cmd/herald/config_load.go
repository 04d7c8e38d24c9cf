package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/publish"
)

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
		fmt.Fprintf(e.stderr, "herald: %s has %s; fix %s and run again (see docs/configuration.md)\n", path, count(len(errs), "problem"), them(len(errs)))
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

// summary is the line `herald build` ends with.
func summary(r publish.Result, out string) string {
	s := fmt.Sprintf("Published %s (%s and %s held back, %d skipped for errors); %s written, %d unchanged, %d removed in %s; %s",
		count(r.Published, "post"), count(r.Drafts, "draft"), count(r.Future, "future post"), r.Skipped,
		count(r.Written, "feed"), r.Unchanged, r.Removed, r.Duration.Round(time.Millisecond), out)
	if r.Unsupported > 0 {
		s += fmt.Sprintf("; %s removed from the posts (herald check lists them)", count(r.Unsupported, "unsupported shortcode or Liquid tag"))
	}
	return s
}

// them is the pronoun for n things: "it" for one, else "them".
func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// count writes n things: "1 post", "6 posts", "2 deliveries".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	if stem, ok := strings.CutSuffix(thing, "y"); ok && stem != "" && !strings.ContainsRune("aeiou", rune(stem[len(stem)-1])) {
		return fmt.Sprintf("%d %sies", n, stem)
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
