//go:build !unix

package post

import (
	"os"
	"sync"
)

// readFile reads a whole file; see readfile_unix.go for the fast version.
func readFile(path string, _ *sync.Pool) ([]byte, error) { return os.ReadFile(path) }
