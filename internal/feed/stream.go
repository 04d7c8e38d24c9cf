package feed

import (
	"errors"
	"slices"
	"sort"
	"sync"

	"github.com/heraldhq/herald/internal/lru"
	"github.com/heraldhq/herald/internal/post"
)

// itemCacheBytes bounds the rendered items BuildTo keeps between builds:
// every item of a few dozen feeds (so an edit re-renders one post, not the
// feeds' others), whatever the number of feeds and posts.
const itemCacheBytes = 16 << 20

// feedBuffers hold the bytes of one feed file while BuildTo writes it:
// a feed is rendered, written and dropped, so the next one reuses its room
// instead of making a few hundred kilobytes of garbage per file (an edit
// of a recent post rewrites about ten files).
var feedBuffers = sync.Pool{New: func() any { return new([]byte) }}

// Written is what BuildTo wrote, as Writer.Write counts it.
type Written struct {
	Written, Unchanged, Removed int
}

// BuildTo is Build writing into w as it goes, so that memory holds one
// feed per worker and not every feed: each feed whose posts changed (or
// whose files are not on disk as last written) is rendered, written with
// its gzip copy when its bytes changed, and dropped. It returns every
// output file on disk sorted by Path with Data nil and the disk fields
// (Disk, Size, Sum, GzSize, Modified) set: the files on disk are the only
// copy. A file the Writer left alone (see Writer.Kept) is not listed, but
// for the HTML view, listed then with its Data and no Disk.
//
// Items (one post in every format) are kept between builds in a cache
// bounded in bytes; a post no longer cached is rendered again. A Builder
// is used with either Build or BuildTo, and with one Writer.
//
// The error joins the files that could not be written (their feeds are
// rendered again next time) and a feed that could not be encoded, a bug;
// the Builder then keeps its previous state.
func (b *Builder) BuildTo(published []*post.Post, w *Writer) ([]File, Written, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w.mu.Lock()
	defer w.mu.Unlock()
	if b.cache == nil {
		b.cache = lru.New[*post.Post, item](itemCacheBytes)
	}
	specs := b.selectFeeds(published)
	stale := b.staleFeeds(specs)
	for _, s := range specs {
		if old := b.feeds[s.dir]; old != nil && !slices.Contains(stale, s) && !b.onDisk(old, w) {
			stale = append(stale, s)
		}
	}
	indexChanged, err := b.renderView(specs)
	if err != nil {
		return nil, Written{}, err
	}

	// Every file in the order of the result, and where each stale feed's
	// files go in it.
	var files []File
	at := make(map[*spec]int, len(stale))
	for _, s := range specs {
		if slices.Contains(stale, s) {
			at[s] = len(files)
			for _, f := range b.cfg.formats {
				ct := map[string]string{FormatRSS: TypeRSS, FormatAtom: TypeAtom, FormatJSON: TypeJSON}[f]
				files = append(files, File{Path: filePath(s, f), ContentType: ct})
			}
			continue
		}
		files = append(files, b.feeds[s.dir].files...)
	}
	if b.cfg.xsl != nil {
		files = append(files, File{Path: StylesheetPath, ContentType: TypeXSL, Data: b.cfg.xsl})
	}
	if b.index != nil {
		f := File{Path: IndexPath, ContentType: TypeHTML}
		if indexChanged || b.indexFile.Size == 0 || !w.intact(IndexPath) {
			f.Data = b.index
		} else {
			f = b.indexFile
		}
		files = append(files, f)
	}
	run, err := w.begin(files)
	if err != nil {
		return nil, Written{}, err
	}
	rendered := make([]bool, len(files))
	for _, i := range at {
		for k := range b.cfg.formats {
			rendered[i+k] = true
		}
	}
	for i := range files {
		if !rendered[i] {
			run.put(&files[i], i)
		}
	}
	renderErr := parallel(len(stale), b.workers, func(i int) error {
		s := stale[i]
		items := make([]item, len(s.posts))
		for j, p := range s.posts {
			it, ok := b.cache.Get(p)
			if !ok {
				var err error
				if it, err = b.cfg.renderItem(p, b.content); err != nil {
					return err
				}
				b.cache.Add(p, it, int64(len(it.rss)+len(it.atom)+len(it.json)+64))
			}
			items[j] = it
		}
		buf := feedBuffers.Get().(*[]byte)
		defer feedBuffers.Put(buf)
		for k, format := range b.cfg.formats {
			f, err := b.cfg.renderFeed(s, format, items, *buf)
			if err != nil {
				return err
			}
			idx := at[s] + k
			files[idx].Data = f.Data
			run.put(&files[idx], idx)
			files[idx].Data = nil
			*buf = f.Data[:0] // put keeps none of it: the next file reuses it
		}
		return nil
	})
	var n Written
	n.Written, n.Unchanged, n.Removed, err = run.finish(files)
	if renderErr != nil {
		return nil, n, errors.Join(renderErr, err)
	}
	next := make(map[string]*built, len(specs))
	for _, s := range specs {
		i, isStale := at[s]
		if !isStale {
			next[s.dir] = b.feeds[s.dir]
			continue
		}
		fs := files[i : i+len(b.cfg.formats)]
		if slices.ContainsFunc(fs, func(f File) bool { return f.Disk == "" }) {
			continue // not written: rendered again next time
		}
		next[s.dir] = &built{title: s.title, posts: s.posts, files: slices.Clone(fs)}
	}
	for i := range files {
		files[i].Data = nil // the stylesheet's and the view's too: the disk has them
		if files[i].Path == IndexPath {
			b.indexFile = files[i]
		}
	}
	b.feeds = next
	b.remember(published, specs)
	// A file not on disk is not listed: one that failed (err says so) or
	// one herald left alone because it did not write it (Writer.Kept), but
	// for the HTML view, which is then listed with its bytes, to be served
	// from memory beside the site's own index.html.
	keptIndex := slices.Contains(w.kept, IndexPath)
	files = slices.DeleteFunc(files, func(f File) bool { return f.Disk == "" && !(keptIndex && f.Path == IndexPath) })
	if i := slices.IndexFunc(files, func(f File) bool { return f.Path == IndexPath && f.Disk == "" }); i >= 0 {
		files[i].Data = b.index
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, n, err
}

// onDisk reports whether the files of a feed BuildTo wrote last time are
// still on disk as written.
func (b *Builder) onDisk(old *built, w *Writer) bool {
	for _, f := range old.files {
		if f.Data != nil || f.Size == 0 || !w.intact(f.Path) {
			return false
		}
	}
	return true
}
