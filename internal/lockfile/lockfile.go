// Package lockfile keeps two herald processes from using one data folder at
// once. Acquire takes an exclusive flock(2) on a file in the folder and
// writes the holder's pid into it; the kernel drops the lock when the
// process exits, however it exits, so a file left behind by a crash never
// blocks the next start.
//
// The file itself stays in place after Release (emptied): removing it would
// let two processes lock two different files of the same name.
package lockfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Name is the conventional lock file name inside a data folder.
const Name = "herald.lock"

// ErrLocked means another process (or another Lock in this one) holds the
// lock. Acquire returns it inside a *LockedError; test with errors.Is.
var ErrLocked = errors.New("data folder locked")

// LockedError says who holds the lock. PID is 0 when the holder's pid could
// not be read (it had not written it yet).
type LockedError struct {
	PID int
	Dir string // the data folder: the lock file's folder
}

func (e *LockedError) Error() string {
	holder := "another herald"
	if e.PID > 0 {
		holder = fmt.Sprintf("another herald (pid %d)", e.PID)
	}
	return fmt.Sprintf("%s is using data folder %s; stop it first or choose another data_dir", holder, e.Dir)
}

// Unwrap makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Unwrap() error { return ErrLocked }

// Lock is a held lock. Keep it for the life of the process and Release it
// on the way out; the zero value is not a lock.
type Lock struct {
	mu   sync.Mutex
	f    *os.File
	path string
}

// Path returns the lock file's path.
func (l *Lock) Path() string { return l.path }

// Acquire locks the file at path, creating it (mode 0644) when missing, and
// writes the current pid into it. It never waits: when the lock is held it
// returns a *LockedError wrapping ErrLocked. Other errors (a missing or
// read-only folder) are wrapped with the path.
func Acquire(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := lockNB(f); err != nil {
		defer f.Close()
		if isBusy(err) {
			return nil, &LockedError{PID: readPID(f), Dir: filepath.Dir(path)}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := writePID(f, os.Getpid()); err != nil {
		_ = unlock(f)
		_ = f.Close()
		return nil, fmt.Errorf("write pid to %s: %w", path, err)
	}
	return &Lock{f: f, path: path}, nil
}

// Release empties the file and drops the lock. Calling it again, or on a
// nil Lock, does nothing and returns nil.
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	truncErr := f.Truncate(0)
	unlockErr := unlock(f)
	closeErr := f.Close()
	if err := errors.Join(truncErr, unlockErr, closeErr); err != nil {
		return fmt.Errorf("release lock %s: %w", l.path, err)
	}
	return nil
}

func writePID(f *os.File, pid int) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(strconv.Itoa(pid)+"\n"), 0); err != nil {
		return err
	}
	return f.Sync()
}

// readPID returns the pid written in f, or 0 when there is none.
func readPID(f *os.File) int {
	buf := make([]byte, 32)
	n, _ := f.ReadAt(buf, 0) // a short or empty file still yields n
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
