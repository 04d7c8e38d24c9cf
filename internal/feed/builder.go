package feed

import (
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/heraldhq/herald/internal/lru"
	"github.com/heraldhq/herald/internal/post"
)

// Builder renders feeds incrementally. It keeps the last output of every
// feed and each post's rendered items, and on the next Build re-renders only
// the feeds whose list of posts changed, and only the items of posts it has
// not rendered before.
//
// A post's version is its pointer: posts are immutable and a changed file
// yields a new *post.Post (as post.Library guarantees), so a caller must
// never modify a Post after passing it to Build. A Builder is safe for
// concurrent use; Builds run one at a time. Settings change by making a new
// Builder.
type Builder struct {
	mu      sync.Mutex
	cfg     config
	content contentFunc
	workers int
	items   map[*post.Post]item
	feeds   map[string]*built // by feed folder
	index   []byte            // the last HTML view of the feeds (IndexPath)
	viewOf  []*spec           // the feeds index shows

	cache     *lru.Cache[*post.Post, item] // BuildTo's items, bounded
	indexFile File                         // BuildTo's last IndexPath, without Data

	lastPublished []*post.Post // a copy of the last successful Build's input
	lastSpecs     []*spec      // and its feeds, for selectFeeds to patch
	fullScans     int          // full selection passes so far, for tests
	viewRenders   int          // renderView's renders so far, for tests
}

// built is one feed's last output and what it was made from.
type built struct {
	title string
	posts []*post.Post
	files []File
}

// NewBuilder checks site and opts and returns an empty Builder. The error
// wraps ErrInvalid and names the bad setting.
func NewBuilder(site Site, opts Options) (*Builder, error) {
	cfg, err := newConfig(site, opts)
	if err != nil {
		return nil, err
	}
	return &Builder{
		cfg:     cfg,
		content: postContent,
		workers: runtime.GOMAXPROCS(0),
		items:   map[*post.Post]item{},
		feeds:   map[string]*built{},
	}, nil
}

// Build returns every output file for published (newest first, already
// filtered by the published rule), sorted by Path. Files of feeds that did not
// change are returned again with the same Data slices. The error reports a
// feed that could not be encoded, which would be a bug; the Builder then
// keeps its previous state.
func (b *Builder) Build(published []*post.Post) ([]File, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	specs := b.selectFeeds(published)
	stale := b.staleFeeds(specs)
	if err := b.renderItems(stale); err != nil {
		return nil, err
	}
	next := make(map[string]*built, len(specs))
	for _, s := range specs {
		if old := b.feeds[s.dir]; old != nil && !slices.Contains(stale, s) {
			next[s.dir] = old
		}
	}
	if err := b.renderFeeds(stale, next); err != nil {
		return nil, err
	}
	if _, err := b.renderView(specs); err != nil {
		return nil, err
	}
	b.feeds = next
	b.pruneItems(specs)
	b.remember(published, specs)
	return b.files(specs), nil
}

// renderView renders the HTML view of the feeds of specs into b.index,
// unless the view there shows the same already (see sameView): an edit of
// a post's body changes feeds but not the view, whose template costs more
// than the feeds' splicing. It reports whether it rendered; a new view
// forgets BuildTo's record of the view on disk, which holds the old one.
func (b *Builder) renderView(specs []*spec) (bool, error) {
	if b.cfg.index == nil || b.index != nil && sameView(b.viewOf, specs) {
		return false, nil
	}
	index, err := b.cfg.renderIndex(specs)
	if err != nil {
		return false, err
	}
	b.index, b.viewOf, b.indexFile = index, specs, File{}
	b.viewRenders++
	return true, nil
}

// staleFeeds returns the specs whose title or post list differ from the
// last build.
func (b *Builder) staleFeeds(specs []*spec) []*spec {
	var stale []*spec
	for _, s := range specs {
		old := b.feeds[s.dir]
		if old == nil || old.title != s.title || !slices.Equal(old.posts, s.posts) {
			stale = append(stale, s)
		}
	}
	return stale
}

// renderItems renders, in parallel, the items of posts in stale feeds that
// have none yet.
func (b *Builder) renderItems(stale []*spec) error {
	var todo []*post.Post
	seen := map[*post.Post]bool{}
	for _, s := range stale {
		for _, p := range s.posts {
			if _, ok := b.items[p]; !ok && !seen[p] {
				seen[p] = true
				todo = append(todo, p)
			}
		}
	}
	out := make([]item, len(todo))
	err := parallel(len(todo), b.workers, func(i int) error {
		var err error
		out[i], err = b.cfg.renderItem(todo[i], b.content)
		return err
	})
	if err != nil {
		return err
	}
	for i, p := range todo {
		b.items[p] = out[i]
	}
	return nil
}

// renderFeeds renders the stale feeds in parallel into next.
func (b *Builder) renderFeeds(stale []*spec, next map[string]*built) error {
	out := make([]*built, len(stale))
	err := parallel(len(stale), b.workers, func(i int) error {
		var err error
		out[i], err = b.renderSpec(stale[i])
		return err
	})
	if err != nil {
		return err
	}
	for i, s := range stale {
		next[s.dir] = out[i]
	}
	return nil
}

func (b *Builder) renderSpec(s *spec) (*built, error) {
	items := make([]item, len(s.posts))
	for i, p := range s.posts {
		items[i] = b.items[p] // read only while renderFeeds runs
	}
	res := &built{title: s.title, posts: s.posts}
	for _, f := range b.cfg.formats {
		file, err := b.cfg.renderFeed(s, f, items, nil)
		if err != nil {
			return nil, err
		}
		res.files = append(res.files, file)
	}
	return res, nil
}

// pruneItems forgets the items of posts no feed lists any more.
func (b *Builder) pruneItems(specs []*spec) {
	keep := make(map[*post.Post]item, len(b.items))
	for _, s := range specs {
		for _, p := range s.posts {
			keep[p] = b.items[p]
		}
	}
	b.items = keep
}

func (b *Builder) files(specs []*spec) []File {
	var out []File
	for _, s := range specs {
		out = append(out, b.feeds[s.dir].files...)
	}
	if b.cfg.xsl != nil {
		out = append(out, File{Path: StylesheetPath, ContentType: TypeXSL, Data: b.cfg.xsl})
	}
	if b.index != nil {
		out = append(out, File{Path: IndexPath, ContentType: TypeHTML, Data: b.index})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// parallel calls fn(0..n-1) on up to workers goroutines and returns the
// first error.
func parallel(n, workers int, fn func(i int) error) error {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n && errs[w] == nil; i = int(next.Add(1) - 1) {
				errs[w] = fn(i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
