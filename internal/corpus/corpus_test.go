package corpus

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readAll(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, d := range []struct {
		dir  string
		seed int64
	}{{a, 1}, {b, 1}, {c, 2}} {
		if err := Generate(d.dir, 30, d.seed); err != nil {
			t.Fatal(err)
		}
	}
	fa, fb, fc := readAll(t, a), readAll(t, b), readAll(t, c)
	if len(fa) != 30 {
		t.Fatalf("got %d files, want 30", len(fa))
	}
	same := 0
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
		if bytes.Equal(data, fc[name]) {
			same++
		}
	}
	if same == len(fa) {
		t.Error("seed 2 wrote the same files as seed 1")
	}
}

func TestGeneratedPostsHaveTheRequiredShape(t *testing.T) {
	dir := t.TempDir()
	if err := Generate(dir, 40, 7); err != nil {
		t.Fatal(err)
	}
	for name, data := range readAll(t, dir) {
		_, body, ok := bytes.Cut(data[4:], []byte("\n---\n"))
		if !bytes.HasPrefix(data, []byte("---\ntitle: ")) || !ok {
			t.Fatalf("%s: no YAML front matter with a title:\n%.200s", name, data)
		}
		if n := len(strings.Fields(string(body))); n < 300 || n > 1500 {
			t.Errorf("%s: %d words, want 300 to 1,500", name, n)
		}
		for _, want := range []string{"## ", "\n- ", "](https://", "![", "author: "} {
			if !bytes.Contains(data, []byte(want)) {
				t.Errorf("%s: no %q", name, want)
			}
		}
	}
}

func TestGenerateReportsWriteErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Generate(filepath.Join(file, "sub"), 3, 1); err == nil {
		t.Fatal("Generate under a regular file succeeded, want an error")
	}
}

func BenchmarkGenerate1k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := Generate(b.TempDir(), 1000, 1); err != nil {
			b.Fatal(err)
		}
	}
}
