package app

import (
	"context"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/publish"
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
