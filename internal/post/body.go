package post

import (
	"hash/maphash"
	"os"
	"path/filepath"
)

// fileSum identifies a file's bytes: its length and a hash of them. Two
// reads of a file give equal sums when and only when (short of a hash
// collision) the bytes are the same.
type fileSum struct {
	size int
	hash uint64
}

func sumOf(seed maphash.Seed, data []byte) fileSum {
	return fileSum{size: len(data), hash: maphash.Bytes(seed, data)}
}

// lazyBody is the Markdown body of a post read from a file, kept in memory
// or read again from the file at each use: a Load of many posts keeps only
// their front matter, and reads the bodies of the posts a feed renders when
// it renders them (the rendered HTML is cached, bounded: see ContentHTML).
type lazyBody struct {
	dir  string // the posts folder, absolute (one string shared by every post); "" when held
	rel  string // the post's Path, shared with it
	off  int    // offset of the body in the file
	held []byte // the body when held
}

// heldBody is a body kept in memory (a copy is the caller's to make).
func heldBody(body []byte) *lazyBody { return &lazyBody{held: body} }

// bytes returns the body. A body read lazily is the file's as parsed: when
// the file is gone or its bytes changed since, the body is empty rather than
// another version's (the watcher's Update gives a new Post for the new
// bytes). Safe for concurrent use; the bytes are not kept.
// The file must have sum, taken with seed, as when parsed.
func (b *lazyBody) bytes(seed maphash.Seed, sum fileSum) []byte {
	if b.dir == "" {
		return b.held
	}
	data, err := os.ReadFile(filepath.Join(b.dir, filepath.FromSlash(b.rel)))
	if err != nil || sumOf(seed, data) != sum || b.off > len(data) {
		return nil
	}
	return data[b.off:]
}
