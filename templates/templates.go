// Package templates holds herald's embedded page, email and feed templates
// and stylesheets. An operator overrides any of them by placing a file with
// the same relative path in the folder named by the config.
package templates

import (
	"embed"
	"io/fs"
	"os"
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
