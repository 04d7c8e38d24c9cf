//go:build linux

package web

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// memFile holds a response body in an anonymous, sealed memory file
// (memfd_create(2)), so that a request can send it with sendfile(2) from
// the kernel's pages instead of copying the bytes into the socket: for a
// large feed that copy is most of the cost of a request.
type memFile struct {
	f    *os.File      // closed by its finalizer once the entry is gone
	path string        // /proc/self/fd/N: opening it gives a reader with its own offset
	free chan *os.File // readers not in use, at any offset
}

// memReaders is how many idle readers a memFile keeps open.
const memReaders = 64

// newMemFile copies data into a new sealed memory file.
func newMemFile(data []byte) (*memFile, error) {
	fd, err := unix.MemfdCreate("herald-feed", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "herald-feed")
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, fmt.Errorf("write memfd: %w", err)
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, seals); err != nil {
		f.Close()
		return nil, fmt.Errorf("seal memfd: %w", err)
	}
	m := &memFile{f: f, path: "/proc/self/fd/" + strconv.Itoa(fd), free: make(chan *os.File, memReaders)}
	r, err := m.open() // proves that /proc is there; else the caller copies
	if err != nil {
		f.Close()
		return nil, err
	}
	m.done(r)
	return m, nil
}

// open returns a reader of the whole body, at its start, that no other
// request uses: an idle one when there is one (opening /proc/self/fd/N
// costs more than the copy it saves), else a new one with its own offset.
// Give it back with done.
func (m *memFile) open() (*os.File, error) {
	select {
	case r := <-m.free:
		if _, err := r.Seek(0, io.SeekStart); err == nil {
			return r, nil
		}
		r.Close()
	default:
	}
	return os.Open(m.path)
}

// done keeps r for a later request, or closes it when enough are kept.
func (m *memFile) done(r *os.File) {
	select {
	case m.free <- r:
	default:
		r.Close()
	}
}
