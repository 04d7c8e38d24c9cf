//go:build linux

package post

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"syscall"
)

// readDir lists the folder at path, unsorted, as os.File.ReadDir does
// (without "." and ".."; an entry of unknown type gets its type from
// lstat, and one gone since is left out), with plain system calls: a load
// walks every page bundle's folder (a thousand for 10,000 posts), and an
// os.File's setup and teardown and a DirEntry per name cost more than the
// listing itself. s is the caller's scratch space, reused; the names are
// slices of one string per folder.
func readDir(path string, s *dirScratch) ([]dirEntry, error) {
	fd, err := retry(func() (int, error) {
		return syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	if len(s.buf) == 0 {
		s.buf = make([]byte, 16<<10)
	}
	names, raws := s.names[:0], s.raws[:0]
	defer func() { s.names, s.raws = names[:0], raws[:0] }()
	for {
		n, err := retry(func() (int, error) { return syscall.Getdents(fd, s.buf) })
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: path, Err: err}
		}
		if n <= 0 {
			break
		}
		// Each record is a linux_dirent64: inode (8 bytes), offset (8),
		// record length (2), type (1), then the name and a NUL.
		for b := s.buf[:n]; len(b) >= direntName; {
			size := int(binary.NativeEndian.Uint16(b[16:18]))
			if size < direntName || size > len(b) {
				break
			}
			rec := b[:size]
			b = b[size:]
			name := rec[direntName:]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			if string(name) == "." || string(name) == ".." {
				continue
			}
			typ, known := direntMode(rec[18])
			if !known {
				var st syscall.Stat_t
				err := syscall.Lstat(path+"/"+string(name), &st)
				if errors.Is(err, syscall.ENOENT) {
					continue // gone since the listing
				}
				if err != nil {
					return nil, &fs.PathError{Op: "lstat", Path: path + "/" + string(name), Err: err}
				}
				typ = statMode(st.Mode)
			}
			names = append(names, name...)
			raws = append(raws, rawEntry{end: len(names), typ: typ})
		}
	}
	all := string(names)
	out := make([]dirEntry, len(raws))
	start := 0
	for i, r := range raws {
		out[i] = dirEntry{name: all[start:r.end], typ: r.typ}
		start = r.end
	}
	return out, nil
}

// dirScratch is readDir's reusable space: the getdents buffer, and the
// names and types of the folder being listed.
type dirScratch struct {
	buf   []byte
	names []byte
	raws  []rawEntry
}

type rawEntry struct {
	end int // of the name in names
	typ fs.FileMode
}

// direntName is the offset of the name in a linux_dirent64.
const direntName = 19

// direntMode is the type of a d_type, as os gives it; false for
// DT_UNKNOWN.
func direntMode(t byte) (fs.FileMode, bool) {
	switch t {
	case syscall.DT_BLK:
		return fs.ModeDevice, true
	case syscall.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice, true
	case syscall.DT_DIR:
		return fs.ModeDir, true
	case syscall.DT_FIFO:
		return fs.ModeNamedPipe, true
	case syscall.DT_LNK:
		return fs.ModeSymlink, true
	case syscall.DT_REG:
		return 0, true
	case syscall.DT_SOCK:
		return fs.ModeSocket, true
	}
	return 0, false
}

// statMode is the type of an lstat st_mode.
func statMode(m uint32) fs.FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFBLK:
		return fs.ModeDevice
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	}
	return 0
}
