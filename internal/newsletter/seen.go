package newsletter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/plural"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/store"
)

// seenSinceKey is the store setting holding when herald started to record
// when it first saw each post (RFC 3339).
const seenSinceKey = "newsletter.first_seen_since"

// DefaultMaxBackdate is Options.MaxBackdate's default.
const DefaultMaxBackdate = 7 * 24 * time.Hour

// SeenStore is what RecordSeen needs of a store.
type SeenStore interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSettingIfAbsent(ctx context.Context, key, value string) (string, error)
	SeePosts(ctx context.Context, seen map[string]time.Time) (map[string]time.Time, error)
}

// RecordSeen records at as the first sighting of every published post not
// seen before, and returns every post's first-seen time. herald build,
// serve and send call it whenever they read the posts, so that a post's
// arrival is known however it is later sent.
//
// On a database whose newsletter ran before first sightings were recorded
// (a baseline, no record yet), each post is recorded as first seen at its
// date (at the latest at), so that nothing already mailed becomes new.
func RecordSeen(ctx context.Context, st SeenStore, posts []*post.Post, at time.Time) (map[string]time.Time, error) {
	upgrade, err := beforeSightings(ctx, st)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]time.Time, len(posts))
	for _, p := range posts {
		if !p.Published(at) {
			continue
		}
		seen[p.ID] = at
		if upgrade && p.Date.Before(at) {
			seen[p.ID] = p.Date
		}
	}
	first, err := st.SeePosts(ctx, seen)
	if err != nil {
		return nil, fmt.Errorf("record posts seen: %w", err)
	}
	if _, err := st.SetSettingIfAbsent(ctx, seenSinceKey, at.UTC().Format(time.RFC3339Nano)); err != nil {
		return nil, fmt.Errorf("record posts seen: %w", err)
	}
	return first, nil
}

// beforeSightings reports whether the database's newsletter started before
// first sightings were recorded.
func beforeSightings(ctx context.Context, st SeenStore) (bool, error) {
	_, err := st.Setting(ctx, seenSinceKey)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	_, err = st.Setting(ctx, baselineKey)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// arrival is when a post became new for the newsletter: the later of its
// first sighting and its date.
func arrival(p *post.Post, firstSeen time.Time) time.Time { return later(firstSeen, p.Date) }

// archived reports whether a post is an archive import: dated more than
// maxBackdate before it first appeared. Those are never mailed.
func archived(p *post.Post, firstSeen time.Time, maxBackdate time.Duration) bool {
	return maxBackdate > 0 && firstSeen.Sub(p.Date) > maxBackdate
}

// window returns the published posts that arrived after since and not
// after until, newest first, leaving out archive imports (counted and
// logged). With write, posts seen for the first time are recorded as seen
// at until (at the latest now); without, nothing is written and they count
// as seen at until.
func (n *Newsletter) window(ctx context.Context, since, until time.Time, write bool) ([]*post.Post, error) {
	posts := n.opts.Posts()
	at := until
	if now := n.now(); now.Before(at) {
		at = now
	}
	first, err := n.firstSeen(ctx, posts, at, write)
	if err != nil {
		return nil, err
	}
	var out []*post.Post
	old := 0
	for _, p := range posts {
		seen, ok := first[p.ID]
		if !ok {
			seen = until
		}
		at := arrival(p, seen)
		if !at.After(since) || at.After(until) || !p.Published(until) {
			continue
		}
		if archived(p, seen, n.opts.MaxBackdate) {
			old++
			continue
		}
		out = append(out, p)
	}
	if old > 0 {
		n.log.Info(fmt.Sprintf("%s not mailed: dated more than %s before herald saw %s", plural.Count(old, "older post"), days(n.opts.MaxBackdate), plural.Them(old)),
			"not_mailed", old, "max_backdate", n.opts.MaxBackdate)
	}
	return out, nil
}

func (n *Newsletter) firstSeen(ctx context.Context, posts []*post.Post, at time.Time, write bool) (map[string]time.Time, error) {
	if write {
		return RecordSeen(ctx, n.opts.Store, posts, at)
	}
	ids := make([]string, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
	}
	first, err := n.opts.Store.PostsSeen(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read posts seen: %w", err)
	}
	return first, nil
}

// days writes d in days when it is a whole number of them.
func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		if k := d / (24 * time.Hour); k == 1 {
			return "1 day"
		} else {
			return fmt.Sprintf("%d days", k)
		}
	}
	return d.String()
}
