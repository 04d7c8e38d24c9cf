package feed

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// removeStale deletes herald's feed files under the Writer's folder that
// keep (the files just written or confirmed) does not hold, and temporary
// files a crash left behind. After the first call it only looks at the
// paths it wrote last time.
func (w *Writer) removeStale(keep map[string][]byte) (int, error) {
	candidates := w.knownPaths()
	if w.last == nil {
		var err error
		if candidates, err = w.scan(); err != nil {
			return 0, err
		}
	}
	removed := 0
	var errs []error
	for _, p := range candidates {
		if _, ok := keep[p]; ok {
			continue
		}
		full := filepath.Join(w.dir, filepath.FromSlash(p))
		if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing old feed %s: %w", full, err))
			continue
		}
		if !isTemp(p) {
			removed++
		}
		w.removeEmptyDir(path.Dir(p))
	}
	return removed, errors.Join(errs...)
}

func (w *Writer) knownPaths() []string {
	out := make([]string, 0, len(w.last))
	for p := range w.last {
		out = append(out, p)
	}
	return out
}

// scan lists the feed files of herald's layout found under the folder: the
// site files at the top, and those in tags/*/ and authors/*/.
func (w *Writer) scan() ([]string, error) {
	out := w.scanDir("")
	for _, group := range []string{"tags", "authors"} {
		entries, err := os.ReadDir(filepath.Join(w.dir, group))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("listing old feeds: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				out = append(out, w.scanDir(group+"/"+e.Name())...)
			}
		}
	}
	return out, nil
}

// scanDir lists the feed and temporary files directly in rel ("" for the top).
func (w *Writer) scanDir(rel string) []string {
	entries, _ := os.ReadDir(filepath.Join(w.dir, filepath.FromSlash(rel)))
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && (isFeedName(e.Name(), rel == "") || isTemp(e.Name())) {
			out = append(out, path.Join(rel, e.Name()))
		}
	}
	return out
}

func isFeedName(name string, top bool) bool {
	switch name {
	case "rss.xml", "atom.xml", "feed.json":
		return true
	}
	return top && name == StylesheetPath
}

func isTemp(p string) bool {
	base := path.Base(p)
	return strings.HasPrefix(base, ".") && strings.Contains(base, ".tmp-")
}

// removeEmptyDir removes rel and its parent when they are tags/x or
// authors/x folders left empty.
func (w *Writer) removeEmptyDir(rel string) {
	if strings.Count(rel, "/") != 1 {
		return
	}
	os.Remove(filepath.Join(w.dir, filepath.FromSlash(rel))) // fails, harmlessly, when not empty
}
