//go:build unix

package lockfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The test binary re-executes itself as a second process. LOCKFILE_HELPER
// selects what it does with the lock at LOCKFILE_PATH:
//
//	hold: acquire, print "locked", wait for stdin to close, release
//	try:  acquire once; exit 0 on success, 3 when locked (message on stderr), 4 otherwise
const (
	helperEnv = "LOCKFILE_HELPER"
	pathEnv   = "LOCKFILE_PATH"
	exitHeld  = 3
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helper(mode, os.Getenv(pathEnv)))
	}
	os.Exit(m.Run())
}

func helper(mode, path string) int {
	l, err := Acquire(path)
	switch {
	case errors.Is(err, ErrLocked):
		fmt.Fprintln(os.Stderr, err)
		return exitHeld
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	if mode == "hold" {
		fmt.Println("locked")
		_, _ = io.Copy(io.Discard, os.Stdin)
	}
	if err := l.Release(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	return 0
}

func helperCmd(t *testing.T, mode, path string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	// GORACE: a -race child otherwise lingers a second at exit.
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, pathEnv+"="+path, "GORACE=atexit_sleep_ms=0")
	return cmd
}

// holder is a second process holding the lock until release is called.
type holder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func startHolder(t *testing.T, path string) *holder {
	t.Helper()
	cmd := helperCmd(t, "hold", path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd: cmd, stdin: stdin}
	t.Cleanup(func() { _ = h.cmd.Process.Kill(); _ = h.cmd.Wait() })
	line := make(chan string, 1)
	go func() { s, _ := bufio.NewReader(stdout).ReadString('\n'); line <- s }()
	select {
	case s := <-line:
		if strings.TrimSpace(s) != "locked" {
			t.Fatalf("holder said %q, stderr %q", s, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("holder did not take the lock within 10s")
	}
	return h
}

func TestOtherProcessIsRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, Name)
	acquire(t, path)

	cmd := helperCmd(t, "try", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitHeld {
		t.Fatalf("second process: %v (stderr %q), want exit %d", err, stderr.String(), exitHeld)
	}
	want := fmt.Sprintf("another herald (pid %d) is using data folder %s", os.Getpid(), dir)
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q does not name the holder: want %q", stderr.String(), want)
	}
}

func TestLockHeldByOtherProcess(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, Name)
	h := startHolder(t, path)

	_, err := Acquire(path)
	wantLocked(t, err, h.cmd.Process.Pid, dir)

	if err := h.stdin.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.cmd.Wait(); err != nil {
		t.Fatalf("holder exited with %v", err)
	}
	acquire(t, path)
}

func TestKilledHolderDoesNotBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), Name)
	h := startHolder(t, path)
	if got, want := fileText(t, path), strconv.Itoa(h.cmd.Process.Pid)+"\n"; got != want {
		t.Fatalf("lock file holds %q, want the holder's pid %q", got, want)
	}

	if err := h.cmd.Process.Kill(); err != nil { // SIGKILL: no Release
		t.Fatal(err)
	}
	_ = h.cmd.Wait()
	acquire(t, path)
}
