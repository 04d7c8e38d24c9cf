package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// WriteFile writes text to path, creating its folders, and fails the test
// on an error.
func WriteFile(tb testing.TB, path, text string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
}
