package newsletter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/store"
)

// baselineKey is the store setting holding the first start of the
// newsletter (RFC 3339): posts dated at or before it are never mailed.
const baselineKey = "newsletter.baseline"

// Newsletter is the engine: it turns scheduled runs into issues and
// delivers them through the ledger. It is safe for concurrent use; several
// Newsletters (in one or several processes) may share one store.
type Newsletter struct {
	opts    Options
	tpl     *templateSet
	log     *slog.Logger
	metrics *metrics

	mu      sync.Mutex
	sched   *schedule.Schedule
	reload  chan struct{} // a new schedule is in force
	install string        // the store's install id, once read (messageID)
}

// New checks opts, parses the templates and registers the metrics with
// opts.Registerer (when not nil). It does no I/O on the store.
func New(opts Options) (*Newsletter, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	opts.defaults()
	tpl, err := loadTemplates(opts.Templates, opts.Subject)
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	if tpl.plan == nil {
		opts.Logger.Debug("Email templates render whole for each message (see docs/newsletter.md#templates)", "reason", tpl.whole)
	}
	return &Newsletter{opts: opts, tpl: tpl, log: opts.Logger, metrics: m,
		sched: opts.Schedule, reload: make(chan struct{}, 1)}, nil
}

// SetSchedule puts s in force (config reload); a running Run loop wakes up
// and waits for the next run of s instead. A nil s is ignored.
func (n *Newsletter) SetSchedule(s *schedule.Schedule) {
	if s == nil {
		return
	}
	n.mu.Lock()
	n.sched = s
	n.mu.Unlock()
	select {
	case n.reload <- struct{}{}:
	default:
	}
}

func (n *Newsletter) schedule() *schedule.Schedule {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.sched
}

func (n *Newsletter) now() time.Time { return n.opts.Clock.Now() }

// baseline returns the newsletter's first start, recording now as the
// baseline when none is stored yet and write is true (and the install id
// then too, so that dry runs show the Message-IDs of real sends).
func (n *Newsletter) baseline(ctx context.Context, write bool) (time.Time, error) {
	if write {
		if _, err := n.installID(ctx, true); err != nil {
			return time.Time{}, err
		}
	}
	v, err := n.opts.Store.Setting(ctx, baselineKey)
	switch {
	case errors.Is(err, store.ErrNotFound) && write:
		// Every post there is now is part of the baseline: seen now.
		if _, err := RecordSeen(ctx, n.opts.Store, n.opts.Posts(), n.now()); err != nil {
			return time.Time{}, err
		}
		v, err = n.opts.Store.SetSettingIfAbsent(ctx, baselineKey, n.now().UTC().Format(time.RFC3339Nano))
	case errors.Is(err, store.ErrNotFound):
		return n.now(), nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read newsletter baseline: %w", err)
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse newsletter baseline %q: %w", v, err)
	}
	return t, nil
}

// since returns where the next issue's window starts: the Until of the
// latest issue, or the baseline.
func (n *Newsletter) since(ctx context.Context, write bool) (time.Time, error) {
	since, err := n.baseline(ctx, write)
	if err != nil {
		return time.Time{}, err
	}
	last, err := n.opts.Store.LastIssue(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return since, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("read last issue: %w", err)
	}
	if last.Until.After(since) {
		since = last.Until
	}
	return since, nil
}

// postsByID looks the ids up in the current posts, keeping their order and
// dropping those no longer published.
func (n *Newsletter) postsByID(ids []string) []*post.Post {
	byID := make(map[string]*post.Post, len(ids))
	for _, id := range ids {
		byID[id] = nil
	}
	for _, p := range n.opts.Posts() {
		if _, ok := byID[p.ID]; ok {
			byID[p.ID] = p
		}
	}
	out := make([]*post.Post, 0, len(ids))
	for _, id := range ids {
		if p := byID[id]; p != nil {
			out = append(out, p)
		}
	}
	return out
}

// vacationNotice returns the vacation skipping the run after at and the
// first run that sends after it; nil and zero when the next run sends.
func (n *Newsletter) vacationNotice(at time.Time) (*VacationData, time.Time) {
	notice, ok := n.schedule().Notice(at)
	if !ok {
		return nil, time.Time{}
	}
	return &VacationData{Until: notice.Until, Note: notice.Note, Next: notice.Next, SameDay: notice.SameDay}, notice.Next
}
