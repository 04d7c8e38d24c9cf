package templates

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestReadIsASnapshot reads an override folder and changes it afterwards:
// the FS keeps the bytes of the moment it was read, overrides what it
// holds (through a symbolic link too), and leaves the rest to the
// embedded templates.
func TestReadIsASnapshot(t *testing.T) {
	dir, shared := t.TempDir(), t.TempDir()
	write := func(path, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "pages", "style.css"), "/* v1 */")
	write(filepath.Join(shared, "newsletter.html"), "<p>shared</p>")
	if err := os.MkdirAll(filepath.Join(dir, "email"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(shared, "newsletter.html"), filepath.Join(dir, "email", "newsletter.html")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "email", "welcome.html")); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(dir, "notes.txt"), "not a template folder")

	fsys, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(dir, "pages", "style.css"), "/* v2, saved after the read */")
	write(filepath.Join(dir, "pages", "home.html"), "added after the read")

	for name, want := range map[string]string{
		"pages/style.css":       "/* v1 */",
		"email/newsletter.html": "<p>shared</p>",
	} {
		got, err := fs.ReadFile(fsys, name)
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, name := range []string{"pages/home.html", "email/welcome.html", "feed/index.html"} {
		got, err := fs.ReadFile(fsys, name)
		embeddedBytes, _ := fs.ReadFile(embedded, name)
		if err != nil || string(got) != string(embeddedBytes) {
			t.Errorf("%s: got %d bytes (%v), want the embedded %d bytes", name, len(got), err, len(embeddedBytes))
		}
	}
	if _, err := fs.ReadFile(fsys, "notes.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("notes.txt outside the template folders: %v, want not found", err)
	}
}
