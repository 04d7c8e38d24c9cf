package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckPostsDir checks that a missing posts folder is reported with the
// key's name and, when the file sets it, FILE:LINE:COL of its value.
func TestCheckPostsDir(t *testing.T) {
	cases := []struct {
		name, posts string
		environ     []string
		want        string // the start of the message, after the folder
	}{
		{"set in the file", "[posts]\ndir = \"nothere\"\n", nil, "herald.toml:6:7: posts.dir: folder "},
		{"default, with a [posts] table", "[posts]\nsummary_words = 20\n", nil, "herald.toml:5:1: posts.dir: folder "},
		{"default, no table", "", nil, "herald.toml: posts.dir: folder "},
		{"environment", "", []string{"HERALD_POSTS_DIR=elsewhere/posts"}, "herald.toml: env HERALD_POSTS_DIR: posts.dir: folder "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := "[site]\ntitle = \"T\"\nbase_url = \"https://blog.example.org\"\n\n" + tc.posts
			if err := os.WriteFile(filepath.Join(dir, "herald.toml"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			c, err := Load("herald.toml", tc.environ)
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckPostsDir()
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(err.Error(), "does not exist") {
				t.Fatalf("CheckPostsDir: %v\nwant it to start %q", err, tc.want)
			}
			if err := os.MkdirAll(c.Posts.Dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := c.CheckPostsDir(); err != nil {
				t.Errorf("after making the folder: %v", err)
			}
		})
	}
}
