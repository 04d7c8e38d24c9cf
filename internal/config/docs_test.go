package config

import (
	"github.com/heraldhq/herald/internal/testkit"

	"fmt"
	"os"
	"strings"
	"testing"
)

const docsPath = "../../docs/configuration.md"

const (
	refBegin = "<!-- reference:begin (generated from internal/config/fields.go: go test ./internal/config -update) -->\n"
	refEnd   = "<!-- reference:end -->\n"
)

// reference renders the key tables of docs/configuration.md from fields().
func reference() string {
	var b strings.Builder
	section := ""
	for _, f := range fields() {
		if s := sectionOf(f.key); s != section {
			section = s
			fmt.Fprintf(&b, "\n### %s\n\n", s)
			b.WriteString("| key | type | default | environment | on reload | description |\n")
			b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", f.key, f.kind, defaultDoc(f), envDoc(f), reloadDoc(f), mdEscape(f.doc))
	}
	return b.String()
}

func sectionOf(key string) string {
	switch {
	case !strings.Contains(key, "."):
		return "top level"
	case strings.HasPrefix(key, "authors."):
		return "[authors.&lt;key&gt;]"
	case strings.HasPrefix(key, "vacation[]"):
		return "[[vacation]]"
	}
	return "[" + key[:strings.Index(key, ".")] + "]"
}

func defaultDoc(f field) string {
	switch {
	case f.defDoc != "":
		return mdEscape(f.defDoc)
	case f.def == "":
		return "none"
	}
	return "`" + f.def + "`"
}

func envDoc(f field) string {
	if f.ptr == nil {
		return "none"
	}
	return "`" + envName(f.key) + "`"
}

func reloadDoc(f field) string {
	if f.restart {
		return "needs restart"
	}
	return "applied"
}

func mdEscape(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;", "|", `\|`).Replace(s)
}

// TestReferenceUpToDate checks the generated part of docs/configuration.md;
// -update rewrites it.
func TestReferenceUpToDate(t *testing.T) {
	doc, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(doc), refBegin)
	_, after, ok2 := strings.Cut(rest, refEnd)
	if !ok1 || !ok2 {
		t.Fatalf("%s lacks the reference markers %q and %q", docsPath, refBegin, refEnd)
	}
	want := before + refBegin + reference() + refEnd + after
	if testkit.Update() {
		if err := os.WriteFile(docsPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(doc) != want {
		t.Errorf("the reference in %s is out of date: run go test ./internal/config -update", docsPath)
	}
}
