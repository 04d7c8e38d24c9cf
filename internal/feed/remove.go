package feed

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// owned returns the paths herald wrote into the folder before this Write:
// the last Write's files, or on the first Write those listed in the
// manifest (none when there is no manifest: a folder herald never wrote
// into holds nothing of its own).
func (w *Writer) owned() (map[string]bool, error) {
	if w.last != nil {
		return w.ownedPaths(w.last), nil
	}
	data, err := os.ReadFile(filepath.Join(w.dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		w.manifest = map[string]bool{}
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the list of written feeds: %w", err)
	}
	out := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); validPath(line) && !strings.HasPrefix(line, "#") {
			out[line] = true
		}
	}
	w.manifest = maps.Clone(out)
	return out, nil
}

// ownedPaths lists the files of m herald owns: each file, and its gzip
// copy when it has one or one is pending (see DeferGzip). A pending copy
// counts as written, so that the manifest does not change, and is not
// written again, when a changed feed loses its copy for the moment and
// when CompressPending brings it back: twice per feed an edit changes.
// Call with w.mu held.
func (w *Writer) ownedPaths(m map[string]onDisk) map[string]bool {
	out := make(map[string]bool, len(m)*2)
	for p, d := range m {
		out[p] = true
		if _, pending := w.pending[p]; d.gz > 0 || pending {
			out[p+GzSuffix] = true
		}
	}
	return out
}

// removeStale deletes the files herald wrote (owned) that keep (the files
// just written or confirmed) does not hold, and temporary files a crash
// left behind; never through a symbolic link.
func (w *Writer) removeStale(owned map[string]bool, keep map[string]onDisk) (int, error) {
	candidates := slices.Sorted(maps.Keys(owned))
	if w.last == nil {
		candidates = append(candidates, w.scanTemps()...)
	}
	removed := 0
	var errs []error
	kept := w.ownedPaths(keep)
	for _, p := range candidates {
		if kept[p] {
			continue
		}
		gone, err := w.removeOwned(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !gone {
			continue
		}
		if !isTemp(p) && !w.isGzipCopy(p, owned) {
			removed++
		}
		w.removeEmptyDir(path.Dir(p))
	}
	return removed, errors.Join(errs...)
}

// removeOwned removes the regular file at p when no folder on the way is
// a symbolic link; a link or a folder at p itself is left alone.
func (w *Writer) removeOwned(p string) (bool, error) {
	for _, d := range parents(path.Dir(p)) {
		info, err := os.Lstat(filepath.Join(w.dir, filepath.FromSlash(d)))
		if err != nil || !info.IsDir() {
			return false, nil // gone, or a link (not followed), or a file
		}
	}
	full := filepath.Join(w.dir, filepath.FromSlash(p))
	if info, err := os.Lstat(full); err != nil || !info.Mode().IsRegular() {
		return false, nil
	}
	if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("removing old feed %s: %w", full, err)
	}
	return true, nil
}

// isGzipCopy reports whether p is the gzip copy of another file in
// owned: removed with it, not counted on its own.
func (w *Writer) isGzipCopy(p string, owned map[string]bool) bool {
	return strings.HasSuffix(p, GzSuffix) && owned[strings.TrimSuffix(p, GzSuffix)]
}

// saveManifest writes the manifest when keep's paths (with their gzip
// copies) are not the ones it lists.
func (w *Writer) saveManifest(keepFiles map[string]onDisk) error {
	keep := w.ownedPaths(keepFiles)
	if len(w.manifest) == len(keep) && !slices.ContainsFunc(slices.Collect(maps.Keys(keep)), func(p string) bool { return !w.manifest[p] }) {
		return nil
	}
	var b strings.Builder
	b.WriteString("# Files herald wrote here; it removes only these. Do not edit.\n")
	for _, p := range slices.Sorted(maps.Keys(keep)) {
		b.WriteString(p + "\n")
	}
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return fmt.Errorf("saving the list of written feeds: %w", err)
	}
	tmp, err := os.CreateTemp(w.dir, ManifestName+".tmp-*") // hidden, as ManifestName is
	if err == nil {
		err = fillTemp(tmp, []byte(b.String()), w.now())
		if err == nil {
			err = w.rename(tmp.Name(), filepath.Join(w.dir, ManifestName))
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		return fmt.Errorf("saving the list of written feeds: %w", err)
	}
	w.manifest = make(map[string]bool, len(keep))
	for p := range keep {
		w.manifest[p] = true
	}
	return nil
}

// scanTemps lists the temporary files a crashed Write may have left in
// the real folders of herald's layout: the top, tags/*/ and authors/*/.
func (w *Writer) scanTemps() []string {
	out := w.tempsIn("")
	for _, group := range []string{"tags", "authors"} {
		if info, err := os.Lstat(filepath.Join(w.dir, group)); err != nil || !info.IsDir() {
			continue // missing, or a link: not followed
		}
		entries, _ := os.ReadDir(filepath.Join(w.dir, group))
		for _, e := range entries {
			if e.IsDir() {
				out = append(out, w.tempsIn(group+"/"+e.Name())...)
			}
		}
	}
	return out
}

// tempsIn lists the temporary files directly in rel ("" for the top).
func (w *Writer) tempsIn(rel string) []string {
	entries, _ := os.ReadDir(filepath.Join(w.dir, filepath.FromSlash(rel)))
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && isTemp(e.Name()) {
			out = append(out, path.Join(rel, e.Name()))
		}
	}
	return out
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
