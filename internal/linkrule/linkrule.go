// Package linkrule is herald's one rule for symbolic links inside the posts
// folder, shared by the post loader (build, check, serve) and the file
// watcher, so that a link is followed, or skipped, the same way by all.
//
// A link is followed when it leads outside the posts folder (a folder of
// posts kept elsewhere, a post file shared with another site). It is
// skipped, with a note saying why, when it leads back into the posts folder
// (its posts would be published twice), when it leads to a folder that
// holds the posts folder or a folder being walked (walking it would never
// end), when it loops, and when it leads nowhere.
package linkrule

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Check applies the rule to the symbolic link at path. walking lists the
// folders being walked, outermost first: the posts folder, then each
// linked folder the walk went through to reach path. Check returns the
// link's target (resolved, absolute) when the link is followed, else an
// error whose text says why it is skipped.
func Check(walking []string, path string) (string, error) {
	target, err := filepath.EvalSymlinks(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dest, _ := os.Readlink(path)
		return "", fmt.Errorf("symbolic link to %s leads nowhere; skipped", dest)
	case err != nil:
		return "", fmt.Errorf("symbolic link loops or cannot be followed (%v); skipped", unwrap(err))
	}
	target, _ = filepath.Abs(target)
	for i, w := range walking {
		real := resolve(w)
		switch {
		case within(real, target) && i == 0:
			return "", fmt.Errorf("symbolic link leads back into the posts folder (to %s); skipped, so that no post is published twice", target)
		case within(real, target):
			return "", fmt.Errorf("symbolic link leads back into the linked folder %s; skipped, so that no post is published twice", real)
		case within(target, real):
			return "", fmt.Errorf("symbolic link leads to %s, which holds the folder it is in: it loops; skipped", target)
		}
	}
	return target, nil
}

// resolve is dir with its links resolved, or dir when that fails.
func resolve(dir string) string {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		if abs, err := filepath.Abs(r); err == nil {
			return abs
		}
	}
	return dir
}

// within reports whether path is dir or inside it.
func within(dir, path string) bool {
	if path == dir {
		return true
	}
	prefix := dir
	if !strings.HasSuffix(prefix, string(filepath.Separator)) {
		prefix += string(filepath.Separator)
	}
	return strings.HasPrefix(path, prefix)
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
