package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/app"
	"github.com/heraldhq/herald/internal/plural"
	"github.com/heraldhq/herald/internal/post"
)

var checkCommand = command{
	name:    "check",
	summary: "validate the config, every post and the templates, print all problems",
	about: `Validates the config file, every post and the templates of templates_dir (every one
herald serve parses at its start) without writing anything, and prints every
problem as file:line:col: message. A published post whose feed id would change is reported
with both ids and how to pin the old one. Exit status 1 when there is any problem.

It also warns, naming the key to change, about settings that make mail less trusted by
the large receivers: an http public_url with the newsletter on (no one-click unsubscribe),
no DKIM key with a relay other than this machine, a dkim.domain not aligned with the From
domain (DMARC), an Ed25519 DKIM key alone, an RSA key under 2048 bits. Warnings do not
change the exit status.`,
	run: runCheck,
}

func runCheck(ctx context.Context, c *command, args []string, e env) error {
	fs := newCmdFlags(c, e)
	cfg, err := fs.load(args)
	if err != nil {
		return err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	for _, a := range cfg.Deliverability() {
		fmt.Fprintf(e.stderr, "warning: %s\n", a)
	}
	if err := cfg.CheckPostsDir(); err != nil {
		return err
	}
	r, snap, err := app.CheckPosts(ctx, cfg, time.Now())
	if err != nil {
		return err
	}
	printProblems(e, r)
	broken := app.CheckTemplates(cfg)
	for _, p := range broken {
		fmt.Fprintf(e.stderr, "error: %s\n", p)
	}
	printUndeclaredAuthors(e, snap.UndeclaredAuthors())
	printUnsupported(e, snap.All())
	fmt.Fprintf(e.stdout, "Checked %s, %s and the templates: %d published, %s, %d future; %s, %s\n",
		cfg.File, plural.Count(snap.Len()+len(r.Problems), "post"), r.Published, plural.Count(r.Drafts, "draft"), r.Future,
		plural.Count(len(r.Problems)+len(broken), "error"), plural.Count(len(r.IDWarnings), "id change"))
	if len(r.Problems)+len(broken)+len(r.IDWarnings) > 0 {
		return errFailed
	}
	return nil
}

// printUndeclaredAuthors notes the authors posts name without an
// [authors.*] entry: they are published under their name alone, and the
// note shows the table that would give them a bio, email or URL.
func printUndeclaredAuthors(e env, names []post.NameCount) {
	for _, n := range names {
		fmt.Fprintf(e.stderr, "note: author %q (%s) is not declared; it is published with its name only. To add an email, URL or bio: [authors.%s] name = %s\n",
			n.Name, plural.Count(n.Count, "post"), post.TOMLKey(n.Name), post.TOMLString(n.Name))
	}
}

// printUnsupported notes every shortcode and Liquid tag herald removed from
// a post because it cannot render it, as path:line (relative to the posts
// folder, like the errors), so the operator knows
// what the feeds lost.
func printUnsupported(e env, posts []*post.Post) {
	slices.SortFunc(posts, func(a, b *post.Post) int { return strings.Compare(a.Path, b.Path) })
	for _, p := range posts {
		for _, d := range p.Unsupported {
			fmt.Fprintf(e.stderr, "note: %s:%d: %s removed: herald cannot render it (what it encloses is kept)\n",
				p.Path, d.Line, d.Name)
		}
	}
}
