package config

import (
	_ "embed"
	"strings"
)

//go:embed example.toml
var example string // read only; a string so it cannot be mutated

// Example returns the bytes of config.example.toml (this package keeps the
// source of truth; a test checks the copy at the repository root).
func Example() []byte { return []byte(example) }

// Scaffold returns the example made into a new site's herald.toml for
// `herald init`: the same comments and values, with posts.dir = "posts".
func Scaffold() []byte {
	return []byte(strings.Replace(example, `dir = "examples/posts"`, `dir = "posts"`, 1))
}
