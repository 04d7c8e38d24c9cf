package config

import (
	"strings"
	"testing"
)

// FuzzLoad checks that any input yields a *Config or Errors with positions
// inside the input, never a panic.
func FuzzLoad(f *testing.F) {
	f.Add(minimal)
	f.Add(string(Example()))
	f.Add(minimal + "[server]\nlisten = 8080\n[[vacation]]\nfrom = 2027-01-02\nuntil = 2027-01-01\n")
	f.Add("a.b.c = { d = [1, '''x\n]''', \"y\"] }\n[[e]]\n[[e]]\nf = 1\n")
	f.Fuzz(func(t *testing.T, src string) {
		c, err := load("fuzz.toml", "/site/fuzz.toml", src, []string{"HERALD_FEEDS_LIMIT=3"})
		if err == nil {
			if c == nil || c.Site.Location == nil || c.Newsletter.Location == nil {
				t.Fatalf("nil config or location without an error")
			}
			return
		}
		errs, ok := err.(Errors)
		if !ok || len(errs) == 0 {
			t.Fatalf("error %T %v, want non-empty Errors", err, err)
		}
		lines := strings.Count(src, "\n") + 1
		for _, e := range errs {
			if e.Line < 0 || e.Line > lines {
				t.Fatalf("%v: line outside the %d lines of the input", e, lines)
			}
		}
	})
}

func BenchmarkLoadExample(b *testing.B) {
	src := string(Example())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := load("config.example.toml", "/site/config.example.toml", src, nil); err != nil {
			b.Fatal(err)
		}
	}
}
