package watch_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/heraldhq/herald/internal/watch"
)

// The daemon watches the posts folder recursively and the config file by
// name, then handles each batch as one rebuild.
func Example() {
	site, err := os.MkdirTemp("", "herald-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(site)
	posts, config := filepath.Join(site, "posts"), filepath.Join(site, "herald.toml")
	_ = os.Mkdir(posts, 0o755)
	_ = os.WriteFile(config, []byte("[site]\n"), 0o644)

	w, err := watch.New(watch.Options{Debounce: 20 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	if err := w.Add(posts, true); err != nil {
		log.Fatal(err)
	}
	if err := w.Add(config, false); err != nil {
		log.Fatal(err)
	}

	_ = os.WriteFile(filepath.Join(posts, "hello.md"), []byte("# Hello\n"), 0o644)
	select {
	case batch := <-w.Events():
		for _, path := range batch.Paths {
			rel, _ := filepath.Rel(site, path)
			fmt.Println(rel)
		}
	case err := <-w.Errors():
		log.Fatal(err)
	case <-time.After(5 * time.Second):
		log.Fatal("no batch")
	}
	// Output: posts/hello.md
}
