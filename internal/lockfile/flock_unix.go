//go:build unix

package lockfile

import (
	"errors"
	"os"
	"syscall"
)

// isBusy reports whether lockNB failed because another open file holds the lock.
func isBusy(err error) bool { return errors.Is(err, syscall.EWOULDBLOCK) }

// lockNB takes an exclusive flock on f without waiting.
func lockNB(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func unlock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
