package feed

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func sampleFiles() []File {
	mod := utc("2026-11-20T09:00:00Z")
	return []File{
		{Path: "rss.xml", ContentType: TypeRSS, Data: []byte("<rss/>"), Modified: mod},
		{Path: "tags/go/rss.xml", ContentType: TypeRSS, Data: []byte("<rss>go</rss>"), Modified: mod},
		{Path: "tags/xml/rss.xml", ContentType: TypeRSS, Data: []byte("<rss>xml</rss>"), Modified: mod},
	}
}

type counts struct{ written, unchanged, removed int }

func mustWrite(t *testing.T, write func([]File) (int, int, int, error), files []File, want counts) {
	t.Helper()
	w, u, r, err := write(files)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got := (counts{w, u, r}); got != want {
		t.Fatalf("Write counted %+v, want %+v", got, want)
	}
}

func inode(t *testing.T, path string) (uint64, time.Time) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Sys().(*syscall.Stat_t).Ino, info.ModTime()
}

func readString(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestWrite runs the same scenario through the stateless Write, which
// compares with the disk, and through a Writer, which remembers.
func TestWrite(t *testing.T) {
	for name, mk := range map[string]func(dir string) func([]File) (int, int, int, error){
		"Write": func(dir string) func([]File) (int, int, int, error) {
			return func(f []File) (int, int, int, error) { return Write(dir, f) }
		},
		"Writer": func(dir string) func([]File) (int, int, int, error) { return NewWriter(dir).Write },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write := mk(dir)
			files := sampleFiles()
			mustWrite(t, write, files, counts{written: 3})
			if got := readString(t, filepath.Join(dir, "tags/go/rss.xml")); got != "<rss>go</rss>" {
				t.Fatalf("tags/go/rss.xml holds %q", got)
			}
			ino, mtime := inode(t, filepath.Join(dir, "rss.xml"))
			if !mtime.Equal(files[0].Modified) || files[0].Modified.IsZero() {
				t.Errorf("mtime %v, want the Modified Write set, %v", mtime, files[0].Modified)
			}

			files[1].Data = []byte("<rss>go 2</rss>")
			mustWrite(t, write, files[:2], counts{written: 1, unchanged: 1, removed: 1})
			if ino2, mtime2 := inode(t, filepath.Join(dir, "rss.xml")); ino2 != ino || !mtime2.Equal(mtime) {
				t.Errorf("unchanged rss.xml was rewritten (inode %d -> %d)", ino, ino2)
			}
			if _, err := os.Stat(filepath.Join(dir, "tags/xml")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("tags/xml still exists after its feed went away: %v", err)
			}
			if got := readString(t, filepath.Join(dir, "tags/go/rss.xml")); got != "<rss>go 2</rss>" {
				t.Errorf("tags/go/rss.xml holds %q after the change", got)
			}
		})
	}
}

// TestWriteLeavesOtherFilesAlone checks that Write removes only what it
// wrote: a feed-named file it did not write stays, even in its layout.
func TestWriteLeavesOtherFilesAlone(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"index.html", "tags/go/notes.txt", "other/rss.xml", "tags/go/rss.xml"} {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte("keep"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "tags/go/.atom.xml.tmp-123"), []byte("half"), 0o644)
	mustWrite(t, NewWriter(dir).Write, sampleFiles()[:1], counts{written: 1})
	for _, p := range []string{"index.html", "tags/go/notes.txt", "other/rss.xml", "tags/go/rss.xml"} {
		if got := readString(t, filepath.Join(dir, p)); got != "keep" {
			t.Errorf("%s was touched: %q", p, got)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tags/go/.atom.xml.tmp-123")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a crashed write's temporary file was not removed: %v", err)
	}
	// A new Writer (a restart) knows from the manifest what it wrote.
	mustWrite(t, NewWriter(dir).Write, sampleFiles()[1:2], counts{written: 1, removed: 1})
	if _, err := os.Stat(filepath.Join(dir, "rss.xml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rss.xml, written by the first Writer, was not removed by the second: %v", err)
	}
}

// TestWriteKeepsModifiedWhileBytesStay checks that a file's Modified (and
// mtime) is the time its bytes last changed, across Writers (restarts),
// and always moves forward.
func TestWriteKeepsModifiedWhileBytesStay(t *testing.T) {
	dir := t.TempDir()
	clock := utc("2026-12-01T10:00:00.700Z")
	newWriter := func() *Writer {
		w := NewWriter(dir)
		w.SetClock(func() time.Time { return clock })
		return w
	}
	files := sampleFiles()
	mustWrite(t, newWriter().Write, files, counts{written: 3})
	first := utc("2026-12-01T10:00:00Z")
	if !files[0].Modified.Equal(first) {
		t.Fatalf("Modified %v, want the write's time to the second, %v", files[0].Modified, first)
	}
	clock = clock.Add(time.Hour)
	files = sampleFiles()
	files[1].Data = []byte("<rss>go edited</rss>")
	mustWrite(t, newWriter().Write, files, counts{written: 1, unchanged: 2})
	if !files[0].Modified.Equal(first) {
		t.Errorf("unchanged rss.xml: Modified %v after a restart, want %v", files[0].Modified, first)
	}
	if _, mtime := inode(t, filepath.Join(dir, "rss.xml")); !mtime.Equal(first) {
		t.Errorf("unchanged rss.xml: mtime %v, want %v", mtime, first)
	}
	edited := first.Add(time.Hour)
	if _, mtime := inode(t, filepath.Join(dir, "tags/go/rss.xml")); !mtime.Equal(edited) || !files[1].Modified.Equal(edited) {
		t.Errorf("changed tags/go/rss.xml: mtime %v, Modified %v, want %v", mtime, files[1].Modified, edited)
	}
	files[1].Data = []byte("<rss>go edited twice</rss>") // in the same second
	mustWrite(t, newWriter().Write, files, counts{written: 1, unchanged: 2})
	if want := edited.Add(time.Second); !files[1].Modified.Equal(want) {
		t.Errorf("second change in one second: Modified %v, want %v", files[1].Modified, want)
	}
}

// TestWriteDoesNotFollowSymlinks: with tags a link to another folder,
// Write neither writes into the target nor removes a file there, and
// still writes the other feeds.
func TestWriteDoesNotFollowSymlinks(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	files := sampleFiles()
	mustWrite(t, NewWriter(dir).Write, files, counts{written: 3})
	for _, p := range []string{"go/rss.xml", "xml/rss.xml"} {
		os.MkdirAll(filepath.Join(elsewhere, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(elsewhere, p), []byte("theirs"), 0o644)
	}
	os.RemoveAll(filepath.Join(dir, "tags"))
	if err := os.Symlink(elsewhere, filepath.Join(dir, "tags")); err != nil {
		t.Fatal(err)
	}
	files[0].Data = []byte("<rss>new</rss>")
	files[1].Data = []byte("<rss>go new</rss>")
	_, _, removed, err := NewWriter(dir).Write(files[:2]) // tags/xml is gone
	if err == nil || !strings.Contains(err.Error(), "symbolic link") || !strings.Contains(err.Error(), "tags") {
		t.Errorf("Write error %v, want one naming the linked tags folder", err)
	}
	for _, p := range []string{"go/rss.xml", "xml/rss.xml"} {
		if got := readString(t, filepath.Join(elsewhere, p)); got != "theirs" {
			t.Errorf("%s behind the link holds %q, want it untouched", p, got)
		}
	}
	if removed != 0 {
		t.Errorf("removed %d files, want none", removed)
	}
	if got := readString(t, filepath.Join(dir, "rss.xml")); got != "<rss>new</rss>" {
		t.Errorf("rss.xml holds %q: the feeds outside the link were not written", got)
	}
}

func TestWriteFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	w := NewWriter(dir)
	mustWrite(t, w.Write, sampleFiles(), counts{written: 3})
	w.rename = func(string, string) error { return errors.New("disk full") }
	files := sampleFiles()
	files[0].Data = []byte("<rss>new</rss>")
	written, _, _, err := w.Write(files)
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "rss.xml") {
		t.Fatalf("Write error %v, want the rename failure naming rss.xml", err)
	}
	if written != 0 {
		t.Errorf("written %d, want 0", written)
	}
	if got := readString(t, filepath.Join(dir, "rss.xml")); got != "<rss/>" {
		t.Errorf("rss.xml holds %q after a failed write, want the old bytes", got)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".rss.xml.tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	w.rename = os.Rename
	mustWrite(t, w.Write, files, counts{written: 1, unchanged: 2})
}

func TestWriteNoticesFilesChangedBehindItsBack(t *testing.T) {
	dir := t.TempDir()
	w := NewWriter(dir)
	mustWrite(t, w.Write, sampleFiles(), counts{written: 3})
	os.Remove(filepath.Join(dir, "rss.xml"))
	os.WriteFile(filepath.Join(dir, "tags/go/rss.xml"), []byte("edited by hand"), 0o644)
	mustWrite(t, w.Write, sampleFiles(), counts{written: 2, unchanged: 1})
}

func TestWriteRejectsBadPaths(t *testing.T) {
	for _, p := range []string{"", "../evil.xml", "/etc/passwd", "tags/../../x", "a//b"} {
		t.Run(p, func(t *testing.T) {
			_, _, _, err := Write(t.TempDir(), []File{{Path: p, Data: []byte("x")}})
			if err == nil || !strings.Contains(err.Error(), "not a clean relative path") {
				t.Errorf("Write(%q) error %v, want a bad path error", p, err)
			}
		})
	}
}

// TestWriterWritten checks that Written names the files the last Write
// changed, and only those.
func TestWriterWritten(t *testing.T) {
	w := NewWriter(t.TempDir())
	files := sampleFiles()
	if _, _, _, err := w.Write(files); err != nil {
		t.Fatal(err)
	}
	if got := w.Written(); len(got) != len(files) {
		t.Errorf("first Write: Written = %q, want all %d files", got, len(files))
	}
	files[1].Data = []byte("<rss>go 2</rss>")
	if _, _, _, err := w.Write(files); err != nil {
		t.Fatal(err)
	}
	if got := w.Written(); len(got) != 1 || got[0] != files[1].Path {
		t.Errorf("second Write: Written = %q, want [%s]", got, files[1].Path)
	}
	if _, _, _, err := w.Write(files); err != nil {
		t.Fatal(err)
	}
	if got := w.Written(); len(got) != 0 {
		t.Errorf("Write of the same files: Written = %q, want none", got)
	}
}

// TestWriteKeepsFilesItDidNotWrite: with the output folder a site's root,
// its index.html is not replaced by the HTML view, and Kept names it; a
// feed an older herald wrote (no manifest) is adopted and updated.
func TestWriteKeepsFilesItDidNotWrite(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("the blog's home page"), 0o644)
	os.MkdirAll(filepath.Join(dir, "tags/go"), 0o755)
	os.WriteFile(filepath.Join(dir, "tags/go/rss.xml"), []byte("<rss>old go</rss>"), 0o644)
	files := append(sampleFiles(), File{Path: IndexPath, ContentType: TypeHTML, Data: []byte("<!doctype html>view")})
	w := NewWriter(dir)
	mustWrite(t, w.Write, files, counts{written: 3})
	if got := readString(t, filepath.Join(dir, "index.html")); got != "the blog's home page" {
		t.Errorf("index.html holds %q: herald replaced a file it did not write", got)
	}
	if got := w.Kept(); len(got) != 1 || got[0] != IndexPath {
		t.Errorf("Kept = %q, want [index.html]", got)
	}
	if got := readString(t, filepath.Join(dir, "tags/go/rss.xml")); got != "<rss>go</rss>" {
		t.Errorf("tags/go/rss.xml holds %q: a feed of herald's layout was not adopted", got)
	}
	os.Remove(filepath.Join(dir, "index.html"))
	mustWrite(t, NewWriter(dir).Write, files, counts{written: 1, unchanged: 3})
	if got := readString(t, filepath.Join(dir, "index.html")); got != "<!doctype html>view" {
		t.Errorf("index.html holds %q once the folder has none of its own", got)
	}
}
