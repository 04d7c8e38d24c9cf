package publish

import (
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/plural"
)

// Summary is the line `herald build` ends with; out says where the feeds
// went.
func (r Result) Summary(out string) string {
	s := fmt.Sprintf("Published %s (%s and %s held back, %d skipped for errors); %s written, %d unchanged, %d removed in %s; %s",
		plural.Count(r.Published, "post"), plural.Count(r.Drafts, "draft"), plural.Count(r.Future, "future post"), r.Skipped,
		plural.Count(r.Written, "feed"), r.Unchanged, r.Removed, r.Duration.Round(time.Millisecond), out)
	if r.Unsupported > 0 {
		s += fmt.Sprintf("; %s removed from the posts (herald check lists them)", plural.Count(r.Unsupported, "unsupported shortcode or Liquid tag"))
	}
	return s
}
