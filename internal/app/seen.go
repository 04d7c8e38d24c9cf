package app

import (
	"context"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/newsletter"
	"github.com/heraldhq/herald/internal/post"
)

// RecordSeen records, when the newsletter is on, now as the first sighting
// of every post not seen before, for a one-shot command (`herald build`)
// that has no store open; the daemon's loop and the newsletter call
// newsletter.RecordSeen on their own store. A post added late but dated
// early is still mailed by the next issue.
func RecordSeen(ctx context.Context, cfg *config.Config, posts []*post.Post, now time.Time) error {
	if !cfg.Newsletter.Enabled {
		return nil
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	_, err = newsletter.RecordSeen(ctx, st, posts, now)
	return err
}
