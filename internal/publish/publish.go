// Package publish turns a folder of posts into feed files on disk and keeps
// the record of published feed ids: a post whose id would change is
// reported, and its old id stays recorded until the author pins or accepts
// it.
package publish

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	"github.com/heraldhq/herald/internal/feed"
	"github.com/heraldhq/herald/internal/post"
)

// Publisher turns the post library into feed files on disk. It is not safe
// for concurrent use: the daemon calls it from one goroutine.
type Publisher struct {
	lib     *post.Library
	builder *feed.Builder
	writer  *feed.Writer
	ids     *post.IDRecord // read by LoadPosts
	idPath  string
	log     *slog.Logger
	files   []feed.File // last build

	// last is the published posts of the last publish that reached the id
	// record: their ids were checked and recorded (or warned about), and a
	// post is immutable, so only the posts not in last need that again.
	// warned holds the posts of last that were warned about.
	last, warned []*post.Post

	lean bool // see LoadLean
}

// Result is what one Publish did, for the summary line and metrics.
type Result struct {
	Published, Drafts, Future, Skipped int
	Written, Unchanged, Removed        int
	Unsupported                        int // shortcodes and Liquid tags removed from the published posts
	Problems                           []post.Problem
	Notes                              []post.Problem // files skipped on purpose: see post.Problem.Note
	IDWarnings                         []post.Warning
	Duration                           time.Duration
}

// Options say what to publish where.
type Options struct {
	Posts   post.Options // the posts folder and how to read it
	Site    feed.Site
	Feeds   feed.Options
	OutDir  string // where the feed files are written
	DataDir string // holds the record of published ids; created when missing
	Logger  *slog.Logger
}

// New returns a Publisher; LoadPosts must be called before Publish.
func New(o Options) (*Publisher, error) {
	builder, err := feed.NewBuilder(o.Site, o.Feeds)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	return &Publisher{
		lib: post.NewLibrary(o.Posts), builder: builder,
		writer: feed.NewWriter(o.OutDir), idPath: IDRecordPath(o.DataDir), log: o.Logger,
	}, nil
}

// Library is the posts being published.
func (p *Publisher) Library() *post.Library { return p.lib }

// Files are the feed files of the last Publish that built them, without
// their bytes: each File's Disk is where they are (see feed.Builder.BuildTo),
// with the gzip copies CompressPending wrote since. The slice is the
// caller's.
func (p *Publisher) Files() []feed.File { return slices.Clone(p.files) }

// Last is the published posts of the last Publish that reached the id
// record; callers must not change them.
func (p *Publisher) Last() []*post.Post { return p.last }

// LoadLean makes LoadPosts run with the collector as it is set: a daemon
// keeps the posts for long, and a lazier collector during the load leaves
// their memory scattered among the load's garbage (at 100,000 posts, some
// 40 MB more resident for good). Call it before LoadPosts.
func (p *Publisher) LoadLean() { p.lean = true }

// DeferGzip leaves the gzip copies of the files Publish writes for
// CompressPending (see feed.Writer.DeferGzip): a daemon serves a changed
// feed without waiting for its compression. Call it before the first
// Publish.
func (p *Publisher) DeferGzip() { p.writer.DeferGzip() }

// GzipPending reports whether CompressPending has copies to write.
func (p *Publisher) GzipPending() bool { return p.writer.Pending() }

// CompressPending writes up to max of the gzip copies left for later and
// updates Files with them. It reports whether Files changed and whether
// copies are still pending.
func (p *Publisher) CompressPending(max int) (changed, more bool, err error) {
	sizes, more, err := p.writer.CompressPending(max)
	for i, f := range p.files {
		if n, ok := sizes[f.Path]; ok {
			p.files[i].GzSize = n
			changed = true
		}
	}
	return changed, more, err
}

// Written lists the paths the last Publish rewrote (their bytes changed).
func (p *Publisher) Written() []string { return p.writer.Written() }

// Publish builds the feeds from the library's current snapshot at now and
// writes the ones that changed. Posts whose id would change are reported;
// their old ids stay in the record until the author pins or accepts them.
func (p *Publisher) Publish(now time.Time) (Result, error) {
	start := time.Now()
	snap := p.lib.Snapshot()
	published := snap.Published(now)
	var r Result
	r.Published, r.Drafts, r.Future = snap.Counts(now)
	r.Problems, r.Notes = snap.Problems(), snap.Notes()
	r.Skipped = len(r.Problems)
	for _, q := range published {
		r.Unsupported += len(q.Unsupported)
	}
	fresh, recheck := p.sortOut(published)
	r.IDWarnings = p.ids.Check(recheck)
	// Each feed is rendered and written in one go, so memory holds one feed
	// per core and not every feed; the files on disk are the only copy.
	files, n, err := p.builder.BuildTo(published, p.writer)
	r.Written, r.Unchanged, r.Removed = n.Written, n.Unchanged, n.Removed
	for _, kept := range p.writer.Kept() {
		r.Notes = append(r.Notes, post.Problem{Path: filepath.Join(p.writer.Dir(), filepath.FromSlash(kept)), Note: true,
			Msg: "herald did not write this file, so it leaves it alone and does not write its own there; give feeds.output_dir a folder of its own (for example <site>/feeds)"})
	}
	if err != nil {
		return r, fmt.Errorf("write feeds: %w", err)
	}
	p.files = files
	if err := p.record(published, fresh, recheck, r.IDWarnings); err != nil {
		return r, err
	}
	r.Duration = time.Since(start)
	return r, nil
}

// sortOut returns the published posts that were not in the last publish
// (new or changed files, posts whose date has come) and are not in the id
// record with their id, and those plus the ones warned about last time
// and still published, which Check must see again: their warnings stand
// until their front matter pins the old id. The cost grows with the
// change, not with the corpus (beyond one pass of pointer comparisons); a
// cold build looks each post up in the record once, here.
func (p *Publisher) sortOut(published []*post.Post) (fresh, recheck []*post.Post) {
	removed, fresh := post.Diff(p.last, published)
	fresh = p.ids.Unrecorded(fresh)
	recheck = slices.Clone(fresh)
	for _, q := range p.warned {
		if !slices.Contains(removed, q) {
			recheck = append(recheck, q)
		}
	}
	return fresh, recheck
}

// record adds the fresh posts to the id record, except those whose id
// changed: they keep warning until their front matter pins the old id. It
// saves the record when it changed, and remembers published and the posts
// of recheck that were warned about for the next publish.
func (p *Publisher) record(published, fresh, recheck []*post.Post, warnings []post.Warning) error {
	warned := make(map[string]bool, len(warnings))
	for _, w := range warnings {
		warned[w.Path] = true
	}
	p.last, p.warned = published, nil
	for _, q := range recheck {
		if warned[q.Path] {
			p.warned = append(p.warned, q)
		}
	}
	keep := fresh[:0:0]
	for _, q := range fresh {
		if !warned[q.Path] {
			keep = append(keep, q)
		}
	}
	if !p.ids.Record(keep) {
		return nil
	}
	return p.ids.Save()
}

// LoadPosts reads the posts folder for the first time and, meanwhile, the
// record of published ids; it must be called before Publish. The record's
// error comes first: it is the one New gave before the two were read
// together.
//
// While it runs, the garbage collector runs a quarter as often, unless
// GOGC is set: the load allocates much and keeps most of it, and a cold
// build of 10,000 posts takes ~12% less time for ~10 MB more peak memory.
func (p *Publisher) LoadPosts(ctx context.Context) error {
	if os.Getenv("GOGC") == "" && !p.lean {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	var idErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.ids, idErr = post.LoadIDRecord(p.idPath)
	}()
	err := p.lib.Load(ctx)
	<-done
	if idErr != nil {
		return idErr
	}
	return err
}

// IDRecordPath is where the record of published feed ids lives.
func IDRecordPath(dataDir string) string { return filepath.Join(dataDir, "published-ids.json") }
