//go:build unix

package lockfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func acquire(t *testing.T, path string) *Lock {
	t.Helper()
	l, err := Acquire(path)
	if err != nil {
		t.Fatalf("Acquire(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = l.Release() })
	return l
}

// wantLocked asserts err is a refusal naming pid and the data folder.
func wantLocked(t *testing.T, err error, pid int, dir string) {
	t.Helper()
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	var le *LockedError
	if !errors.As(err, &le) || le.PID != pid || le.Dir != dir {
		t.Fatalf("err = %#v, want pid %d and folder %s", err, pid, dir)
	}
	want := fmt.Sprintf("another herald (pid %d) is using data folder %s; stop it first", pid, dir)
	if !strings.Contains(err.Error(), want) {
		t.Errorf("message %q does not contain %q", err, want)
	}
}

func fileText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSecondAcquireFailsWithPID(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, Name)
	acquire(t, path)

	l, err := Acquire(path)
	if l != nil {
		t.Fatal("second Acquire returned a lock")
	}
	wantLocked(t, err, os.Getpid(), dir)
}

func TestReleaseThenReacquire(t *testing.T) {
	path := filepath.Join(t.TempDir(), Name)
	l := acquire(t, path)
	if got, want := fileText(t, path), strconv.Itoa(os.Getpid())+"\n"; got != want {
		t.Errorf("lock file holds %q, want %q", got, want)
	}
	if err := l.Release(); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	if got := fileText(t, path); got != "" {
		t.Errorf("released lock file holds %q, want it empty", got)
	}
	acquire(t, path)
}

func TestStaleFileDoesNotBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), Name)
	if err := os.WriteFile(path, []byte("999999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	acquire(t, path)
	if got, want := fileText(t, path), strconv.Itoa(os.Getpid())+"\n"; got != want {
		t.Errorf("lock file holds %q, want %q", got, want)
	}
}

func TestAcquireInMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-folder", Name)
	_, err := Acquire(path)
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want fs.ErrNotExist and not ErrLocked", err)
	}
}

func TestNilLockRelease(t *testing.T) {
	var l *Lock
	if err := l.Release(); err != nil {
		t.Errorf("nil Release = %v, want nil", err)
	}
}

func TestLockedErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  LockedError
		want string
	}{
		{"pid known", LockedError{PID: 1234, Dir: "/x"},
			"another herald (pid 1234) is using data folder /x; stop it first or choose another data_dir"},
		{"pid unknown", LockedError{Dir: "/var/lib/herald"},
			"another herald is using data folder /var/lib/herald; stop it first or choose another data_dir"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadPID(t *testing.T) {
	tests := []struct {
		name, body string
		want       int
	}{
		{"pid and newline", "4321\n", 4321},
		{"empty", "", 0},
		{"garbage", "herald\n", 0},
		{"negative", "-5\n", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), Name)
			if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := readPID(f); got != tc.want {
				t.Errorf("readPID(%q) = %d, want %d", tc.body, got, tc.want)
			}
		})
	}
}
