package feed

import (
	"github.com/heraldhq/herald/internal/testkit"

	"path/filepath"
	"testing"
)

// TestGolden compares whole feeds (site, one tag, one author, three formats)
// with testdata/golden. Run `go test ./internal/feed -run TestGolden -update`
// after a deliberate change and review the diff. Nothing needs normalising:
// feed dates come from the posts, never from the clock.
func TestGolden(t *testing.T) {
	files := byPath(buildFixture(t, awkwardFixture()))
	for _, name := range []string{
		"rss.xml", "atom.xml", "feed.json",
		"tags/go/rss.xml", "tags/go/atom.xml", "tags/go/feed.json",
		"authors/omar/rss.xml", "authors/omar/atom.xml", "authors/omar/feed.json",
	} {
		t.Run(name, func(t *testing.T) {
			f, ok := files[name]
			if !ok {
				t.Fatalf("no file %s in the build", name)
			}
			testkit.Golden(t, filepath.Join("testdata", "golden", filepath.FromSlash(name)), f.Data)
		})
	}
}

func byPath(files []File) map[string]File {
	m := make(map[string]File, len(files))
	for _, f := range files {
		m[f.Path] = f
	}
	return m
}
