//go:build !unix

package post

import "os"

// readFile reads a whole file; see readfile_unix.go for the fast version,
// which reuses buf.
func readFile(path string, _ []byte) ([]byte, error) { return os.ReadFile(path) }
