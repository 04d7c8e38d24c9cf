//go:build unix

package post

import (
	"bytes"
	"io/fs"
	"sync"
	"syscall"
)

// readFile reads a whole regular file with plain system calls: os.ReadFile
// also asks the size and registers the file with the network poller, which
// costs a fifth of a cold load of small posts. Errors are *fs.PathError, as
// from os.ReadFile. scratch holds *[]byte read buffers reused between calls.
func readFile(path string, scratch *sync.Pool) ([]byte, error) {
	fd, err := retry(func() (int, error) { return syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0) })
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	b, _ := scratch.Get().(*[]byte)
	if b == nil {
		b = new([]byte)
	}
	buf := (*b)[:0]
	defer func() { *b = buf[:0]; scratch.Put(b) }() // keep a grown buffer for the next file
	for {
		if cap(buf)-len(buf) < 4096 {
			buf = append(buf, make([]byte, 16<<10)...)[:len(buf)] // grow
		}
		n, err := retry(func() (int, error) { return syscall.Read(fd, buf[len(buf):cap(buf)]) })
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return bytes.Clone(buf), nil // exact size: posts keep their file in memory
		}
		buf = buf[:len(buf)+n]
	}
}

// retry repeats a system call interrupted by a signal.
func retry(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if err != syscall.EINTR {
			return n, err
		}
	}
}
