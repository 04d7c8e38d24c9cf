// Package templates holds herald's embedded page, email and feed templates
// and stylesheets. An operator overrides any of them by placing a file with
// the same relative path in the folder named by the config.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"
)

//go:embed all:pages all:email all:feed
var embedded embed.FS

// FS returns the templates, with files in overrideDir (when not empty)
// taking precedence over the embedded ones of the same path.
func FS(overrideDir string) fs.FS {
	if overrideDir == "" {
		return embedded
	}
	return layered{top: os.DirFS(overrideDir), base: embedded}
}

// Read returns the templates as FS does, with the files of overrideDir
// read now, so that whoever parses them later sees the folder as it was
// at this one moment: a reload parses the feeds', the pages' and the
// newsletter's templates from one version of the folder, not from files
// saved in between. Only the folders herald reads from (pages, email,
// feed) are read.
func Read(overrideDir string) (fs.FS, error) {
	if overrideDir == "" {
		return embedded, nil
	}
	files := memFS{}
	for _, area := range areas {
		if err := files.read(overrideDir, area, 0); err != nil {
			return nil, err
		}
	}
	return layered{top: files, base: embedded}, nil
}

// maxDepth bounds the folders read below an area, so that a symbolic link
// to a folder above it does not loop.
const maxDepth = 8

// read adds the files of dir/rel and of the folders below it, following
// symbolic links as os.DirFS does; a missing folder or a dangling link is
// nothing overridden.
func (m memFS) read(dir, rel string, depth int) error {
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := path.Join(rel, e.Name())
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return err
		case info.IsDir() && depth < maxDepth:
			if err := m.read(dir, name, depth+1); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
			if err != nil {
				return err
			}
			m[name] = data
		}
	}
	return nil
}

// areas are the folders of the templates.
var areas = []string{"pages", "email", "feed"}

// Embedded returns the built-in templates only.
func Embedded() fs.FS { return embedded }

type layered struct{ top, base fs.FS }

func (l layered) Open(name string) (fs.File, error) {
	f, err := l.top.Open(name)
	if err == nil {
		return f, nil
	}
	return l.base.Open(name)
}

// memFS is files read into memory, by slash-separated path. It opens files
// only, which is all the template parsers and readers ask of it.
type memFS map[string][]byte

func (m memFS) Open(name string) (fs.File, error) {
	data, ok := m[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memFile{Reader: bytes.NewReader(data), name: path.Base(name)}, nil
}

// memFile is an open file of a memFS and its own fs.FileInfo (Size is the
// reader's: the length of the file).
type memFile struct {
	*bytes.Reader
	name string
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Name() string               { return f.name }
func (f *memFile) Mode() fs.FileMode          { return 0o444 }
func (f *memFile) ModTime() time.Time         { return time.Time{} }
func (f *memFile) IsDir() bool                { return false }
func (f *memFile) Sys() any                   { return nil }
