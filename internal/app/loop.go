package app

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/feed"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/publish"
	"github.com/heraldhq/herald/internal/schedule"
)

// loop owns the config and the publisher: it rebuilds on post changes, at
// the next publication time and after a failed rebuild (see retry.go),
// and reloads on config edits and SIGHUP, which also rebuilds every feed.
func (d *Daemon) loop(ctx context.Context) error {
	for {
		wake := d.nextWake()
		select {
		case <-ctx.Done():
			return nil
		case b, ok := <-d.watcher.Events():
			if !ok {
				return errors.New("file watcher stopped")
			}
			d.handleBatch(ctx, b.Paths)
		case err, ok := <-d.watcher.Errors():
			if ok {
				d.log.Warn("File watcher problem", "err", err)
			}
		case <-d.e.Hup:
			d.log.Info("SIGHUP received: reloading config and templates, and rebuilding every feed", "file", d.cfg.File)
			d.reported = nil // the operator asks for everything: say it all again
			pub := d.pub
			d.reload(ctx, true)
			if d.pub == pub { // else the reload read the posts and rebuilt already
				d.fullRebuild(ctx)
			}
		case <-wake:
			d.rebuild("scheduled publication")
		case <-d.retry.timer:
			d.retry.timer = nil
			d.rebuild("retry after a failed rebuild")
		case <-d.gzipTurn():
			d.compressSome()
		}
	}
}

// gzipSteps is how many gzip copies the loop writes between two looks at
// its events: a few milliseconds of work, so that an edit arriving
// meanwhile waits little.
const gzipSteps = 4

// ready is a channel that is always ready.
var ready = func() chan time.Time { c := make(chan time.Time); close(c); return c }()

// gzipTurn is ready while gzip copies of the files written wait to be
// made (see publish.Publisher.DeferGzip); nil otherwise.
func (d *Daemon) gzipTurn() <-chan time.Time {
	if d.pub.GzipPending() {
		return ready
	}
	return nil
}

// compressSome writes a few of the waiting gzip copies and hands the web
// server the files with them, so that it sends them from then on: after
// each few copies of an edit's, after every gzipBatch of a long backlog
// (the start of a large site), so as not to rebuild the server's table of
// thousands of files for each few.
func (d *Daemon) compressSome() {
	changed, more, err := d.pub.CompressPending(gzipSteps)
	if err != nil {
		d.log.Warn("Gzip copy of a feed not written; clients get the feed uncompressed", "err", err)
	}
	if changed {
		d.gzipUnset += gzipSteps
	}
	if d.gzipUnset > 0 && (!more || d.gzipUnset >= gzipBatch) {
		d.web.SetFeeds(d.pub.Files())
		d.gzipUnset = 0
	}
	if !more && !d.gzipStarted {
		// The start's copies are written: give their garbage back, as Start
		// does the load's.
		d.gzipStarted = true
		d.collect()
	}
}

// gzipBatch is how many gzip copies of a backlog the loop writes before it
// hands them to the web server.
const gzipBatch = 128

// nextWake fires at the date of the first post that was still in the
// future at the last build (at once when that date has passed); nil when
// there is none.
func (d *Daemon) nextWake() <-chan time.Time {
	next := d.pub.Library().Snapshot().NextPublication(d.builtAt)
	if next.IsZero() {
		return nil
	}
	return d.clock.After(next.Sub(d.clock.Now()))
}

// handleBatch follows a batch of saved files: the config file and the
// files of templates_dir are reloaded (see reload), the rest are posts.
func (d *Daemon) handleBatch(ctx context.Context, paths []string) {
	cfgFile := filepath.Clean(d.cfg.File)
	cfgEdited, templates := slices.Contains(paths, cfgFile), d.templateEdits(paths)
	if cfgEdited || templates > 0 {
		paths = slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return p == cfgFile || d.isTemplate(p) })
	}
	// The config and the templates are applied one after the other, so
	// that a template broken in the same moment does not hold back the
	// config edit, nor a broken config the templates.
	if cfgEdited {
		d.log.Info("Config file changed: reloading", "file", cfgFile)
		d.reload(ctx, false)
	}
	if templates > 0 {
		d.log.Info("Templates changed: reloading them", "dir", d.cfg.TemplatesDir, "files", templates)
		d.reload(ctx, true)
	}
	if len(paths) == 0 {
		return
	}
	start := time.Now()
	if !d.pub.Library().Update(paths) {
		return
	}
	d.log.Debug("Posts reparsed", "files", len(paths), "duration", time.Since(start))
	d.rebuild("posts changed")
}

// rebuild writes the feeds from the current posts and hands them to the
// web server. A failure keeps the last good feeds online.
func (d *Daemon) rebuild(reason string) {
	now := d.clock.Now()
	d.builtAt = now
	r, err := d.pub.Publish(now)
	d.metrics.observe(r, err)
	d.reportPosts(r)

	if err != nil {
		d.failed(reason, err)
		return
	}
	d.web.SetFeeds(d.pub.Files())
	d.notifyHub()
	d.web.SetPosts(d.pub.Last()) // the posts just published, shared: neither changes them
	d.recordSeen(now)
	d.gc.rebuilt()
	d.log.Info("Feeds built", "reason", reason, "published", r.Published, "skipped", r.Skipped,
		"written", r.Written, "unchanged", r.Unchanged, "removed", r.Removed, "duration", r.Duration)
	d.succeeded()
}

// reportPosts logs what the build found wrong with the posts: each
// problem, note and id warning once, when a build first finds it, not
// again at every rebuild while it lasts (the count of skipped posts is in
// every "Feeds built" line and on /metrics). SIGHUP clears the record, so
// the next build logs them all again.
func (d *Daemon) reportPosts(r publish.Result) {
	if len(r.Notes)+len(r.Problems)+len(r.IDWarnings) == 0 {
		d.reported = nil // nothing wrong, nothing to remember
		return
	}
	next := said{}
	for _, n := range r.Notes {
		if msg := n.Error(); d.reported.fresh(next, "note", msg) {
			d.log.Info("Skipped in the posts folder", "note", msg)
		}
	}
	for _, p := range r.Problems {
		if msg := p.Error(); d.reported.fresh(next, "problem", msg) {
			d.log.Error("Post skipped", "problem", msg)
		}
	}
	for _, w := range r.IDWarnings {
		if d.reported.fresh(next, "id", w.Path+"\x00"+w.OldID+"\x00"+w.NewID) {
			d.log.Warn("Feed id would change", "path", w.Path, "old_id", w.OldID, "new_id", w.NewID, "fix", "add `id: "+w.OldID+"` to its front matter")
		}
	}
	d.reported = next
}

// said is what the log has said of the posts at the last build, by kind
// and message.
type said map[[2]string]bool

// fresh records kind and msg in next and reports whether s lacks them.
func (s said) fresh(next said, kind, msg string) bool {
	k := [2]string{kind, msg}
	next[k] = true
	return !s[k]
}

// notifyHub tells the WebSub hub, when there is one, about the feeds the
// last publish wrote (their bytes changed); the stylesheet and the HTML
// view are no feeds.
func (d *Daemon) notifyHub() {
	if d.cfg.Feeds.Hub == "" || d.hub == nil {
		return
	}
	var topics []string
	for _, path := range d.pub.Written() {
		if feed.IsFeed(path) {
			topics = append(topics, feed.SelfURL(d.cfg.Server.PublicURL, path))
		}
	}
	d.hub.Notify(d.cfg.Feeds.Hub, topics)
}

// recordSeen records when the newsletter first saw each post (see
// newsletter.RecordSeen): a post added late but dated early is still
// mailed. A failure is logged; the next build tries again.
func (d *Daemon) recordSeen(now time.Time) {
	if d.store == nil || !d.cfg.Newsletter.Enabled {
		return
	}
	if _, err := newsletter.RecordSeen(context.Background(), d.store, d.publishedPosts(), now); err != nil {
		d.log.Warn("Record the posts seen", "err", err)
	}
}

// publishedPosts is the newsletter's view of the posts; safe to call from
// any goroutine.
func (d *Daemon) publishedPosts() []*post.Post {
	return d.lib.Load().Snapshot().Published(d.clock.Now())
}

// templateEdits counts the paths that are files of templates_dir.
func (d *Daemon) templateEdits(paths []string) int {
	n := 0
	for _, p := range paths {
		if d.isTemplate(p) {
			n++
		}
	}
	return n
}

// isTemplate reports whether path (absolute, as the watcher reports it) is
// below templates_dir, and not a post: a templates folder that holds the
// posts folder (an odd layout) leaves the posts to the posts.
func (d *Daemon) isTemplate(path string) bool {
	if d.cfg.TemplatesDir == "" {
		return false
	}
	tpl, err1 := filepath.Abs(d.cfg.TemplatesDir)
	posts, err2 := filepath.Abs(d.cfg.Posts.Dir)
	if err1 != nil || err2 != nil || !strictlyBelow(tpl, path) {
		return false
	}
	return !strictlyBelow(posts, path) || strictlyBelow(posts, tpl)
}

// strictlyBelow reports whether path is inside dir (both clean and
// absolute).
func strictlyBelow(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// reload applies a changed config file. An invalid file changes nothing.
// With templates (a file of templates_dir was saved, or SIGHUP), the files
// of templates_dir are read again too, as if the key had changed. Templates
// that do not parse change nothing either: the daemon keeps the last good
// ones and says which file is broken.
func (d *Daemon) reload(ctx context.Context, templates bool) {
	next, err := config.Load(d.cfg.File, d.e.Environ)
	if err != nil {
		var errs config.Errors
		if errors.As(err, &errs) {
			for _, e := range errs {
				d.log.Error("Config error; keeping the running config", "problem", e.Error())
			}
		} else {
			d.log.Error("Config not reloaded; keeping the running config", "err", err)
		}
		d.metrics.reloads.WithLabelValues("invalid").Inc()
		return
	}
	changed, restart := config.Diff(d.cfg, next)
	onlyTemplates := templates && len(changed) == 0
	if templates && next.TemplatesDir != "" && !slices.Contains(changed, "templates_dir") {
		changed = append(changed, "templates_dir")
	}
	if len(changed) == 0 {
		d.log.Info("Config unchanged")
		return
	}
	if err := d.apply(ctx, next, changed); err != nil {
		if onlyTemplates {
			d.log.Error("Templates not applied; keeping the last good ones", "err", err)
		} else {
			d.log.Error("Config not applied; keeping the running config", "err", err)
		}
		d.metrics.reloads.WithLabelValues("failed").Inc()
		return
	}
	d.metrics.reloads.WithLabelValues("applied").Inc()
	if onlyTemplates {
		d.log.Info("Templates applied", "changed", changed)
	} else {
		d.log.Info("Config applied", "changed", changed)
	}
	d.warnPublicURL(next)
	d.warnDeliverability(next)
	if len(restart) > 0 {
		d.log.Warn("Some settings take effect only after a restart", "keys", restart)
	}
}

// apply switches to next: the parts the changed keys touch (the field
// table of config says which) are built again: a new post library and feed
// builder (settings may change ids, permalinks or summaries), a new mail
// transport when the relay or the signing changed, new web options, and the
// new newsletter schedule, or a new newsletter engine when its other
// settings or the transport changed. Every part is built before the first
// one is switched, so a part that refuses next changes nothing.
func (d *Daemon) apply(ctx context.Context, next *config.Config, changed []string) error {
	touched := config.Touched(changed)
	pub := d.pub
	if touched.Has(config.TouchFeeds) {
		d.gc.loading()
		defer func() {
			if pub != d.pub { // not switched to: the new posts are garbage
				d.collect()
			}
		}()
		var err error
		if pub, err = NewPublisher(next, next.Feeds.OutputDir, d.log); err != nil {
			return err
		}
		pub.LoadLean()
		if err := pub.LoadPosts(ctx); err != nil {
			return err
		}
		pub.DeferGzip()
	}
	sched, err := NewSchedule(next)
	if err != nil && next.Newsletter.Enabled {
		return err
	}
	if next.Posts.Dir != d.cfg.Posts.Dir {
		if err := d.watcher.Add(next.Posts.Dir, true); err != nil {
			return err
		}
	}
	if next.TemplatesDir != d.cfg.TemplatesDir && next.TemplatesDir != "" {
		if err := d.watcher.Add(next.TemplatesDir, true); err != nil {
			return err
		}
	}
	mailer := d.mailer
	if touched.Has(config.TouchMail) {
		if mailer, err = OpenTransport(next, d.log, d.clock); err != nil {
			return err
		}
	}
	// The new engine is built (its templates parsed) before anything is
	// switched: a broken newsletter template must not leave the daemon
	// with new pages and no newsletter.
	var engine *newsletter.Newsletter
	if restartsEngine(touched) && next.Newsletter.Enabled {
		engine, err = NewNewsletter(next, d.store, mailer, d.signer, d.publishedPosts, d.clock, d.log, d.reg)
	}
	if err == nil {
		o := d.webOptions(next, mailer)
		if !slices.Contains(changed, "templates_dir") {
			// The pages keep the templates parsed before: a page template
			// broken since must not hold back an unrelated setting.
			o.Templates = nil
		}
		err = d.web.SetOptions(o)
	}
	if err != nil {
		if mailer != d.mailer {
			mailer.Close() // never used
		}
		return err
	}
	old := d.mailer
	d.cfg, d.mailer = next, mailer
	d.level.Set(next.Log.SlogLevel())
	if pub != d.pub {
		d.pub = pub
		d.lib.Store(pub.Library())
		d.rebuild("config reloaded")
		d.collect() // the old library and the new load's garbage, as at the start
	}
	err = d.applyNewsletter(ctx, touched, sched, engine)
	if old != mailer {
		old.Close() // the engine using it has stopped; waits for the web's sends in flight
	}
	return err
}

// restartsEngine reports whether a reload that touched these parts needs a
// new newsletter engine rather than a new schedule only.
func restartsEngine(touched config.Part) bool {
	return touched&(config.TouchNewsletter|config.TouchMail) != 0
}

// applyNewsletter follows a reload: a new schedule or vacation is swapped
// in while running; any other newsletter setting, or a new transport,
// restarts the engine at a safe point, with engine when apply built one.
func (d *Daemon) applyNewsletter(ctx context.Context, touched config.Part, sched *schedule.Schedule, engine *newsletter.Newsletter) error {
	switch {
	case d.news != nil && !restartsEngine(touched):
		d.news.SetSchedule(sched)
		return nil
	case d.news != nil:
		d.stopNewsletter()
	}
	if engine == nil {
		return d.startNewsletter(ctx) // when enabled, e.g. after a failed start
	}
	return d.startEngine(ctx, engine)
}
