//go:build !unix

package post

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// readFile reads a whole file; see readfile_unix.go for the fast version,
// which reuses buf, and for limit.
func readFile(path string, _ []byte, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if limit > 0 {
		r = io.LimitReader(f, limit+1)
	}
	data, err := io.ReadAll(r)
	if err == nil && limit > 0 && int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errFileTooLarge}
	}
	return data, err
}

// folder is a posts folder whose files are read by path.
type folder struct{ path string }

func openFolder(path string) (*folder, error) { return &folder{path: path}, nil }

func (f *folder) readFile(rel string, buf []byte, limit int64) ([]byte, error) {
	return readFile(filepath.Join(f.path, filepath.FromSlash(rel)), buf, limit)
}

func (f *folder) close() {}
