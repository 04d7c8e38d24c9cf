//go:build unix

package post

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// readFile reads a whole regular file into buf (from buf[:0], growing it as
// needed) with plain system calls and returns the filled slice, which
// aliases buf: the caller reuses it for the next file, so a load of many
// posts allocates no memory per file. os.ReadFile also asks the size and
// registers the file with the network poller, which costs a fifth of a cold
// load of small posts. Errors are *fs.PathError, as from os.ReadFile; a
// file longer than limit bytes (0: no limit) is not read past limit+1
// bytes and gives one wrapping errFileTooLarge.
func readFile(path string, buf []byte, limit int64) ([]byte, error) {
	fd, err := retry(func() (int, error) { return syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0) })
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return readFd(fd, path, "", buf, limit)
}

// readFd reads the open file fd, named dir/rel in errors (dir alone when
// rel is ""), into buf and closes it; see readFile for limit. The name is
// put together only for an error: a load reads thousands of files.
func readFd(fd int, dir, rel string, buf []byte, limit int64) ([]byte, error) {
	defer syscall.Close(fd)
	buf = buf[:0]
	for {
		if cap(buf)-len(buf) < 4096 {
			buf = append(buf, make([]byte, max(16<<10, cap(buf)))...)[:len(buf)] // grow
		}
		n, err := retry(func() (int, error) { return syscall.Read(fd, buf[len(buf):cap(buf)]) })
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: joinRel(dir, rel), Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
		if limit > 0 && int64(len(buf)) > limit {
			return nil, &fs.PathError{Op: "read", Path: joinRel(dir, rel), Err: errFileTooLarge}
		}
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

// folder is an open posts folder: files are opened relative to it, so the
// kernel does not look up the folder's own path again for every file.
type folder struct {
	path string
	fd   int
}

// openFolder opens the folder at path for reading the files under it.
func openFolder(path string) (*folder, error) {
	fd, err := retry(func() (int, error) {
		return syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return &folder{path: path, fd: fd}, nil
}

// readFile is the package's readFile for the file at rel (slash-separated)
// under the folder; errors name the whole path.
func (f *folder) readFile(rel string, buf []byte, limit int64) ([]byte, error) {
	fd, err := retry(func() (int, error) {
		return unix.Openat(f.fd, rel, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: joinRel(f.path, rel), Err: err}
	}
	return readFd(fd, f.path, rel, buf, limit)
}

func joinRel(dir, rel string) string {
	if rel == "" {
		return dir
	}
	return dir + "/" + rel
}

func (f *folder) close() { syscall.Close(f.fd) }
