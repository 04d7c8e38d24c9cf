package config

import (
	"github.com/heraldhq/herald/internal/testkit"

	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

const rootExample = "../../config.example.toml"

// TestRootExampleIsCopy keeps config.example.toml identical to the embedded
// example.toml; run with -update to copy it over.
func TestRootExampleIsCopy(t *testing.T) {
	if testkit.Update() {
		if err := os.WriteFile(rootExample, Example(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(rootExample)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, Example()) {
		t.Errorf("%s differs from internal/config/example.toml; edit the latter and run go test ./internal/config -update", rootExample)
	}
}

func TestExampleLoads(t *testing.T) {
	c, err := Load(rootExample, nil)
	if err != nil {
		t.Fatalf("config.example.toml: %v", err)
	}
	root, _ := filepath.Abs("../..")
	paris, _ := time.LoadLocation("Europe/Paris")
	checks := []struct{ name, got, want string }{
		{"posts.dir", c.Posts.Dir, filepath.Join(root, "examples/posts")},
		{"data_dir", c.DataDir, filepath.Join(root, "data")},
		{"outbox", c.SMTP.OutboxDir, filepath.Join(root, "data/outbox")},
		{"base_url", c.Site.BaseURL, "https://blog.example.com"},
		{"public_url", c.Server.PublicURL, "http://127.0.0.1:8080"},
		{"vacation from", c.Vacations[0].From.String(), time.Date(2026, 12, 14, 0, 0, 0, 0, paris).String()},
		{"vacation until", c.Vacations[0].Until.String(), time.Date(2027, 2, 26, 0, 0, 0, 0, paris).String()},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	if !c.Newsletter.Enabled || c.SMTP.Host != "" || c.Vacations[0].Note == "" {
		t.Errorf("want the newsletter on, the outbox and a vacation note; got %+v %+v", c.Newsletter, c.Vacations)
	}
}

func TestScaffoldLoads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.toml")
	if err := os.WriteFile(path, Scaffold(), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, nil)
	if err != nil {
		t.Fatalf("scaffold: %v", err)
	}
	if want := filepath.Join(filepath.Dir(path), "posts"); c.Posts.Dir != want {
		t.Errorf("posts.dir = %q, want %q", c.Posts.Dir, want)
	}
}

// exampleKeys returns the keys config.example.toml shows, set or commented
// out ("# key = ..."), in the documented form (authors.*.name, vacation[].from).
func exampleKeys(t *testing.T, src string) []string {
	t.Helper()
	header := regexp.MustCompile(`^(\[\[?)([a-z_.]+)\]\]?\s*$`)
	keyLine := regexp.MustCompile(`^#? ?([a-z][a-z0-9_]*) = `)
	var table string
	var keys []string
	for _, line := range strings.Split(src, "\n") {
		if m := header.FindStringSubmatch(line); m != nil {
			table = m[2] + "."
			if m[1] == "[[" {
				table = m[2] + "[]."
			}
			if strings.HasPrefix(table, "authors.") {
				table = "authors.*."
			}
			continue
		}
		if m := keyLine.FindStringSubmatch(line); m != nil && !slices.Contains(keys, table+m[1]) {
			keys = append(keys, table+m[1])
		}
	}
	return keys
}

// docKeys returns the keys of the reference tables in docs/configuration.md.
func docKeys(src string) []string {
	var keys []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)` \\|").FindAllStringSubmatch(src, -1) {
		keys = append(keys, m[1])
	}
	return keys
}

func TestKeysDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]string{
		"config.example.toml":   exampleKeys(t, string(Example())),
		"docs/configuration.md": docKeys(string(doc)),
	} {
		for _, k := range Keys() {
			if !slices.Contains(got, k) {
				t.Errorf("key %s is in the code but not in %s", k, name)
			}
		}
		for _, k := range got {
			if !slices.Contains(Keys(), k) {
				t.Errorf("key %s is in %s but not in the code", k, name)
			}
		}
	}
}
