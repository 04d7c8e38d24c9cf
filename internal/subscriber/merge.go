package subscriber

import "slices"

// Merge applies an imported row in to a known subscriber: a non-empty name
// and a non-empty topic list replace the known ones. Unsubscribed and
// bounced people (Frozen) never change, so an import never subscribes
// again someone who left. It reports whether known changed.
func Merge(known *Subscriber, in Subscriber) bool {
	if known.Status.Frozen() {
		return false
	}
	changed := false
	if in.Name != "" && in.Name != known.Name {
		known.Name, changed = in.Name, true
	}
	if len(in.Topics) > 0 && !slices.Equal(in.Topics, known.Topics) {
		known.Topics, changed = slices.Clone(in.Topics), true
	}
	return changed
}
