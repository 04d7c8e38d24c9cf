package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/feed"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/publish"
	"github.com/heraldhq/herald/internal/web"
)

// CheckPosts reads every post as `herald check` does, writing nothing: the
// result counts them at now and lists every problem, note, duplicate id
// and feed id that would change against the id record; the snapshot is
// what was read.
func CheckPosts(ctx context.Context, cfg *config.Config, now time.Time) (publish.Result, *post.Snapshot, error) {
	lib := post.NewLibrary(PostOptions(cfg))
	if err := lib.Load(ctx); err != nil {
		return publish.Result{}, nil, err
	}
	ids, err := post.LoadIDRecord(IDRecordPath(cfg))
	if err != nil {
		return publish.Result{}, nil, err
	}
	snap := lib.Snapshot()
	r := publish.Result{Problems: append(snap.Problems(), snap.DuplicateIDs()...), Notes: snap.Notes(), IDWarnings: ids.Check(snap.Published(now))}
	r.Published, r.Drafts, r.Future = snap.Counts(now)
	return r, snap, nil
}

// CheckTemplates parses every template herald serve parses at its start,
// from templates_dir over the embedded ones: the feeds' HTML view, the
// pages and their emails, and the newsletter's emails and subject (with
// the newsletter on). It returns one problem per file that does not parse
// (the newsletter stops at its first), naming the file and line in
// templates_dir where the template package says them.
func CheckTemplates(cfg *config.Config) []error {
	fsys := cfg.TemplateFS()
	site, opts := FeedSettings(cfg)
	_, err := feed.NewBuilder(site, opts)
	errs := append([]error{err}, web.CheckTemplates(fsys)...)
	if cfg.Newsletter.Enabled {
		errs = append(errs, newsletter.CheckTemplates(fsys, cfg.Newsletter.Subject))
	}
	var problems []error
	for _, err := range errs {
		if err != nil {
			problems = append(problems, templateProblem(cfg.TemplatesDir, err))
		}
	}
	return problems
}

// templateLine finds "template: name:line:" in a parse error, which names
// the file by its base name only.
var templateLine = regexp.MustCompile(`template: ([^:\s]+):(\d+):`)

// templateAreas are the folders of templates_dir, by the words the errors
// of each part start with.
var templateAreas = []struct{ words, folder string }{
	{"page template", "pages"}, {"email template", "email"}, {"feeds view", "feed"},
}

// templateProblem puts the path of the broken file in templates_dir, with
// its line, before err: "tpl/email/newsletter.html:3: ...".
func templateProblem(dir string, err error) error {
	msg := err.Error()
	m := templateLine.FindStringSubmatch(msg)
	if dir == "" || m == nil {
		return err
	}
	for _, a := range templateAreas {
		path := filepath.Join(dir, a.folder, m[1])
		if strings.Contains(msg, a.words) && fileExists(path) {
			return fmt.Errorf("%s:%s: %w", path, m[2], err)
		}
	}
	return err
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}
