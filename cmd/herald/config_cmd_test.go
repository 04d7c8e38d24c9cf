package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestConfigCommandOutput checks that `herald config` prints a TOML file
// grouped by table, each value with its source, in lines that stay under
// 100 columns unless a value itself is long.
func TestConfigCommandOutput(t *testing.T) {
	site := newTestSite(t, "Test blog")
	long := strings.Repeat("x", 90)
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+"[newsletter]\nsubject = \""+long+"\"\n"+
		"[[vacation]]\nfrom = 2027-01-01\nuntil = 2027-01-10\nnote = \"Skiing\"\n")
	out, errOut, err := runCmd(t, "config", "-config", site.config)
	if err != nil {
		t.Fatalf("config: %v\n%s", err, errOut)
	}
	var decoded map[string]any
	if _, err := toml.Decode(out, &decoded); err != nil {
		t.Fatalf("the output is not TOML: %v\n%s", err, out)
	}
	if site, _ := decoded["site"].(map[string]any); site["title"] != "Test blog" {
		t.Errorf("site.title read back as %v", decoded["site"])
	}
	for _, want := range []string{"\n[site]\n", "\n[authors.ana]\n", "\n[[vacation]]\n", `title       = "Test blog"                # line 3`,
		`note  = "Skiing"`, ":\nsubject = \"" + long + "\""} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if len(line) > 100 && !strings.Contains(line, long) {
			t.Errorf("line of %d columns: %s", len(line), line)
		}
	}
}

// TestReadmeListsEveryCommand keeps the README's table of commands
// complete.
func TestReadmeListsEveryCommand(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(string(readme), "| `herald "+c.name) {
			t.Errorf("README.md's table of commands lacks herald %s", c.name)
		}
	}
}
