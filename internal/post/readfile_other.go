//go:build !unix

package post

import (
	"os"
	"path/filepath"
)

// readFile reads a whole file; see readfile_unix.go for the fast version,
// which reuses buf.
func readFile(path string, _ []byte) ([]byte, error) { return os.ReadFile(path) }

// folder is a posts folder whose files are read by path.
type folder struct{ path string }

func openFolder(path string) (*folder, error) { return &folder{path: path}, nil }

func (f *folder) readFile(rel string, buf []byte) ([]byte, error) {
	return readFile(filepath.Join(f.path, filepath.FromSlash(rel)), buf)
}

func (f *folder) close() {}
