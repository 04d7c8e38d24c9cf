//go:build !unix

package lockfile

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// isBusy is always false here: no lock is ever taken.
func isBusy(error) bool { return false }

// lockNB fails: this build has no flock, so the data folder cannot be
// protected and herald refuses to pretend otherwise.
func lockNB(*os.File) error {
	return fmt.Errorf("file locks on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}

func unlock(*os.File) error { return nil }
