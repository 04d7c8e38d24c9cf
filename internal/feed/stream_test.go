package feed

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// longFixture is awkwardFixture with bodies long enough that gzip pays.
func longFixture() fixture {
	f := awkwardFixture()
	for id, c := range f.content {
		f.content[id] = [2]string{c[0] + strings.Repeat("<p>A paragraph that repeats, as posts do.</p>\n", 40), c[1]}
	}
	return f
}

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return data
}

func mtime(t *testing.T, path string) time.Time {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.ModTime()
}

// TestBuildToStreamsToDisk checks that BuildTo writes the bytes Build
// renders, keeps none of them, gives each file its disk fields, and writes
// beside each a gzip copy that decompresses to the file, with its mtime.
func TestBuildToStreamsToDisk(t *testing.T) {
	f := longFixture()
	want := map[string][]byte{}
	for _, file := range buildFixture(t, f) {
		want[file.Path] = file.Data
	}
	dir := t.TempDir()
	w := NewWriter(dir)
	w.SetClock(func() time.Time { return utc("2026-12-01T10:00:00Z") })
	b := newTestBuilder(t, testSite(), Options{PerTag: true, PerAuthor: true}, f)
	files, n, err := b.BuildTo(f.posts, w)
	if err != nil {
		t.Fatalf("BuildTo: %v", err)
	}
	if len(files) != len(want) || n.Written != len(want) {
		t.Fatalf("BuildTo gave %d files, wrote %d; Build gives %d", len(files), n.Written, len(want))
	}
	gzipped := 0
	for _, file := range files {
		if file.Data != nil {
			t.Errorf("%s: Data kept in memory", file.Path)
		}
		disk, err := os.ReadFile(filepath.Join(dir, file.Path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(disk, want[file.Path]) {
			t.Errorf("%s: the file on disk differs from what Build renders", file.Path)
		}
		if file.Disk != filepath.Join(dir, file.Path) || file.Size != int64(len(disk)) || file.Sum != sha256.Sum256(disk) {
			t.Errorf("%s: Disk %q Size %d Sum %x do not describe the file", file.Path, file.Disk, file.Size, file.Sum[:4])
		}
		if !mtime(t, file.Disk).Equal(file.Modified) || !file.Modified.Equal(utc("2026-12-01T10:00:00Z")) {
			t.Errorf("%s: mtime %v, Modified %v, want the write's time", file.Path, mtime(t, file.Disk), file.Modified)
		}
		gz := file.Disk + GzSuffix
		if file.GzSize == 0 {
			if _, err := os.Stat(gz); err == nil {
				t.Errorf("%s: a gzip copy on disk though GzSize is 0", file.Path)
			}
			continue
		}
		gzipped++
		if got := gunzip(t, gz); !bytes.Equal(got, disk) {
			t.Errorf("%s%s does not decompress to %s", file.Path, GzSuffix, file.Path)
		}
		if info, _ := os.Stat(gz); info.Size() != file.GzSize || !info.ModTime().Equal(file.Modified) {
			t.Errorf("%s%s: size %d mtime %v, want %d and the file's %v", file.Path, GzSuffix, info.Size(), info.ModTime(), file.GzSize, file.Modified)
		}
	}
	if gzipped < len(files)/2 {
		t.Errorf("only %d of %d files have a gzip copy", gzipped, len(files))
	}

	// The same posts again: nothing is written, nothing moves.
	_, n, err = b.BuildTo(f.posts, w)
	if err != nil || n.Written != 0 || n.Unchanged != len(files) {
		t.Fatalf("second BuildTo: %+v, %v; want every file unchanged", n, err)
	}
	// A gzip copy and a feed removed by hand are written again, and only they.
	os.Remove(filepath.Join(dir, "rss.xml.gz"))
	os.Remove(filepath.Join(dir, "tags/go/atom.xml"))
	again, n, err := b.BuildTo(f.posts, w)
	if err != nil {
		t.Fatal(err)
	}
	if n.Written != 1 {
		t.Errorf("after removing a feed by hand: %+v, want it (alone) written", n)
	}
	if got := gunzip(t, filepath.Join(dir, "rss.xml.gz")); !bytes.Equal(got, want["rss.xml"]) {
		t.Error("rss.xml.gz, removed by hand, was not written again")
	}
	if got, err := os.ReadFile(filepath.Join(dir, "tags/go/atom.xml")); err != nil || !bytes.Equal(got, want["tags/go/atom.xml"]) {
		t.Errorf("tags/go/atom.xml, removed by hand, was not written again: %v", err)
	}
	for _, file := range again {
		if file.Path == "rss.xml" && (file.GzSize == 0 || !mtime(t, file.Disk+GzSuffix).Equal(file.Modified)) {
			t.Errorf("rss.xml: GzSize %d; the new copy's mtime must be the file's %v", file.GzSize, file.Modified)
		}
	}
}

// TestGzipCopyFollowsItsFile checks the gzip copy through a change of the
// bytes (new copy, new mtime), a feed that goes away (its copy goes too)
// and bytes that do not compress (no copy, and an old one removed).
func TestGzipCopyFollowsItsFile(t *testing.T) {
	dir := t.TempDir()
	clock := utc("2026-12-01T10:00:00Z")
	w := NewWriter(dir)
	w.SetClock(func() time.Time { return clock })
	files := []File{
		{Path: "rss.xml", ContentType: TypeRSS, Data: bigFeed("one ")},
		{Path: "tags/go/rss.xml", ContentType: TypeRSS, Data: bigFeed("go ")},
	}
	mustWrite(t, w.Write, files, counts{written: 2})
	clock = clock.Add(time.Minute)
	files = []File{{Path: "rss.xml", ContentType: TypeRSS, Data: bigFeed("two ")}}
	mustWrite(t, w.Write, files, counts{written: 1, removed: 1})
	if got := gunzip(t, filepath.Join(dir, "rss.xml.gz")); !bytes.Equal(got, files[0].Data) {
		t.Errorf("rss.xml.gz holds %.20q…, want the new bytes", got)
	}
	if m := mtime(t, filepath.Join(dir, "rss.xml.gz")); !m.Equal(clock) || !files[0].Modified.Equal(clock) {
		t.Errorf("rss.xml.gz mtime %v, Modified %v, want %v", m, files[0].Modified, clock)
	}
	if _, err := os.Stat(filepath.Join(dir, "tags/go/rss.xml.gz")); !os.IsNotExist(err) {
		t.Errorf("tags/go/rss.xml.gz outlived its feed: %v", err)
	}
	// Sixteen random-looking bytes do not compress: no copy, and the old one goes.
	files[0].Data = []byte("\x8f\x12\xe4\x01\x99\x7a\x33\xc0\x5d\x0e\xf1\x42\xab\x6c\x27\x90")
	mustWrite(t, w.Write, files, counts{written: 1})
	if _, err := os.Stat(filepath.Join(dir, "rss.xml.gz")); !os.IsNotExist(err) || files[0].GzSize != 0 {
		t.Errorf("a gzip copy of bytes that do not compress: %v, GzSize %d", err, files[0].GzSize)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	if strings.Contains(string(manifest), "tags/go") {
		t.Errorf("the manifest still lists the removed feed:\n%s", manifest)
	}
}

// TestWriterFindsGzipCopiesAfterARestart: a new Writer over a folder with
// the same bytes leaves the files and their copies alone, and writes a
// copy that is missing (a folder written by an older herald) with the
// file's mtime.
func TestWriterFindsGzipCopiesAfterARestart(t *testing.T) {
	dir := t.TempDir()
	data := []byte("<rss>" + strings.Repeat("same ", 300) + "</rss>")
	files := []File{{Path: "rss.xml", ContentType: TypeRSS, Data: data}, {Path: "atom.xml", ContentType: TypeAtom, Data: data}}
	mustWrite(t, NewWriter(dir).Write, files, counts{written: 2})
	ino, _ := inode(t, filepath.Join(dir, "rss.xml.gz"))
	os.Remove(filepath.Join(dir, "atom.xml.gz"))
	w := NewWriter(dir)
	w.SetClock(func() time.Time { return utc("2030-01-01T00:00:00Z") })
	files = []File{{Path: "rss.xml", ContentType: TypeRSS, Data: data}, {Path: "atom.xml", ContentType: TypeAtom, Data: data}}
	mustWrite(t, w.Write, files, counts{unchanged: 2})
	if ino2, _ := inode(t, filepath.Join(dir, "rss.xml.gz")); ino2 != ino {
		t.Error("rss.xml.gz was rewritten though it matched")
	}
	if got := gunzip(t, filepath.Join(dir, "atom.xml.gz")); !bytes.Equal(got, data) {
		t.Error("the missing atom.xml.gz was not written")
	}
	if a, b := mtime(t, filepath.Join(dir, "atom.xml.gz")), mtime(t, filepath.Join(dir, "atom.xml")); !a.Equal(b) || !files[1].Modified.Equal(b) {
		t.Errorf("atom.xml.gz mtime %v, atom.xml %v, Modified %v: want all equal", a, b, files[1].Modified)
	}
}

// TestDeferGzip: a Writer that defers its gzip copies writes a changed
// file at once, without a copy (and without the old, now wrong, one), and
// CompressPending then writes the copy of the bytes on disk with their
// mtime; a file rewritten before that gets the copy of its last bytes only.
func TestDeferGzip(t *testing.T) {
	dir, w, clock := deferredWriter(t)
	files := []File{{Path: "rss.xml", ContentType: TypeRSS, Data: bigFeed("one ")}, {Path: "atom.xml", ContentType: TypeAtom, Data: bigFeed("atom ")}}
	mustWrite(t, w.Write, files, counts{written: 2})
	if _, err := os.Stat(filepath.Join(dir, "rss.xml.gz")); !os.IsNotExist(err) || files[0].GzSize != 0 || !w.Pending() {
		t.Fatalf("deferred: rss.xml.gz %v, GzSize %d, pending %t; want no copy yet", err, files[0].GzSize, w.Pending())
	}
	sizes, more, err := w.CompressPending(1)
	if err != nil || len(sizes) != 1 || !more {
		t.Fatalf("CompressPending(1) = %v, more %t, %v; want one copy and more to come", sizes, more, err)
	}
	*clock = clock.Add(time.Minute)
	files = []File{{Path: "rss.xml", ContentType: TypeRSS, Data: bigFeed("two ")}, {Path: "atom.xml", ContentType: TypeAtom, Data: bigFeed("atom ")}}
	mustWrite(t, w.Write, files, counts{written: 1, unchanged: 1})
	if _, err := os.Stat(filepath.Join(dir, "rss.xml.gz")); !os.IsNotExist(err) {
		t.Errorf("the gzip copy of the old rss.xml outlived its bytes: %v", err)
	}
	first := sizes
	sizes, more, err = w.CompressPending(0)
	if err != nil || more || len(sizes) != 1 || sizes["rss.xml"] == 0 {
		t.Fatalf("CompressPending(0) = %v, more %t, %v; want the new rss.xml's copy alone", sizes, more, err)
	}
	maps.Copy(sizes, first)
	for _, f := range files {
		gz := filepath.Join(dir, f.Path) + GzSuffix
		if got := gunzip(t, gz); !bytes.Equal(got, f.Data) {
			t.Errorf("%s does not decompress to the file's last bytes", gz)
		}
		if m := mtime(t, gz); !m.Equal(mtime(t, filepath.Join(dir, f.Path))) {
			t.Errorf("%s mtime %v, want its file's", gz, m)
		}
		if info, _ := os.Stat(gz); sizes[f.Path] != info.Size() {
			t.Errorf("%s: CompressPending says %d bytes, the disk %d", gz, sizes[f.Path], info.Size())
		}
	}
	// The next write knows the copies: nothing is pending, nothing moves.
	mustWrite(t, w.Write, files, counts{unchanged: 2})
	if w.Pending() || files[0].GzSize == 0 {
		t.Errorf("after CompressPending: pending %t, GzSize %d", w.Pending(), files[0].GzSize)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	if !strings.Contains(string(manifest), "rss.xml.gz") {
		t.Errorf("the manifest does not own the copies:\n%s", manifest)
	}
}

// TestBuildToLeavesOutFilesItKept: an index.html herald did not write stays
// as it is; BuildTo lists the HTML view with its bytes instead (a server
// given an entry with neither bytes nor file would serve nothing there),
// and writes the feeds.
func TestBuildToLeavesOutFilesItKept(t *testing.T) {
	f := longFixture()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, IndexPath), []byte("<p>the site's home page</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := NewWriter(dir)
	b := newTestBuilder(t, testSite(), Options{PerTag: true, PerAuthor: true}, f)
	files, _, err := b.BuildTo(f.posts, w)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if file.Path == IndexPath {
			if file.Disk != "" || !bytes.Contains(file.Data, []byte("<html")) {
				t.Errorf("%s: Disk %q, %d bytes; want the HTML view's bytes and no file", IndexPath, file.Disk, len(file.Data))
			}
			continue
		}
		if file.Disk == "" || file.Data != nil {
			t.Errorf("%s: Disk %q, %d bytes; want the file on disk only", file.Path, file.Disk, len(file.Data))
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, IndexPath)); string(got) != "<p>the site's home page</p>" {
		t.Errorf("the site's index.html was replaced: %.40q", got)
	}
	if len(w.Kept()) != 1 || len(files) == 0 {
		t.Errorf("Kept %v, %d files", w.Kept(), len(files))
	}
}

// TestDeferGzipKeepsTheManifest: a changed feed whose gzip copy waits for
// CompressPending keeps its copy in the manifest, so that neither the
// write nor CompressPending writes the manifest again; a copy that does
// not pay leaves it.
func TestDeferGzipKeepsTheManifest(t *testing.T) {
	dir, w, clock := deferredWriter(t)
	files := []File{{Path: "rss.xml", ContentType: TypeRSS, Data: bigFeed("one ")}, {Path: "tags/go/rss.xml", ContentType: TypeRSS, Data: bigFeed("go ")}}
	mustWrite(t, w.Write, files, counts{written: 2})
	if _, _, err := w.CompressPending(0); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, ManifestName)
	ino, _ := inode(t, manifest)
	listed, _ := os.ReadFile(manifest)

	*clock = clock.Add(time.Minute)
	files = []File{{Path: "rss.xml", ContentType: TypeRSS, Data: bigFeed("two ")}, {Path: "tags/go/rss.xml", ContentType: TypeRSS, Data: bigFeed("go ")}}
	mustWrite(t, w.Write, files, counts{written: 1, unchanged: 1})
	if ino2, _ := inode(t, manifest); ino2 != ino {
		t.Error("the write of a changed feed wrote the manifest again though the files are the same")
	}
	if _, _, err := w.CompressPending(0); err != nil {
		t.Fatal(err)
	}
	if ino2, _ := inode(t, manifest); ino2 != ino {
		t.Error("CompressPending wrote the manifest again though it listed the copy")
	}
	if now, _ := os.ReadFile(manifest); !bytes.Equal(now, listed) || !bytes.Contains(now, []byte("\nrss.xml.gz\n")) {
		t.Errorf("the manifest changed or lost the copy:\n%s\nwas:\n%s", now, listed)
	}

	// Bytes that do not compress: no copy, and the manifest no longer owns one.
	files[0].Data = []byte("\x8f\x12\xe4\x01\x99\x7a\x33\xc0\x5d\x0e\xf1\x42\xab\x6c\x27\x90")
	mustWrite(t, w.Write, files, counts{written: 1, unchanged: 1})
	if _, _, err := w.CompressPending(0); err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(manifest); bytes.Contains(now, []byte("\nrss.xml.gz\n")) || !bytes.Contains(now, []byte("\ntags/go/rss.xml.gz\n")) {
		t.Errorf("after a copy that does not pay, the manifest lists:\n%s", now)
	}
}

// deferredWriter returns a Writer into a new folder that defers its gzip
// copies, on a clock the test sets.
func deferredWriter(t *testing.T) (string, *Writer, *time.Time) {
	dir := t.TempDir()
	clock := utc("2026-12-01T10:00:00Z")
	w := NewWriter(dir)
	w.SetClock(func() time.Time { return clock })
	w.DeferGzip()
	return dir, w, &clock
}

// bigFeed is a feed body large enough for its gzip copy to pay.
func bigFeed(s string) []byte { return []byte("<rss>" + strings.Repeat(s, 200) + "</rss>") }
