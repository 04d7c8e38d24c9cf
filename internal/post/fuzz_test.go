package post_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/post"
)

// FuzzParse checks that Parse never panics, that every error is a Problem
// pointing inside the file, and that every post has what a feed needs. The
// seed corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte("---\ntitle: Seed\ndate: 2026-11-25\ntags: [a]\n---\nBody [link](x) <!--more--> more.\n"))
	f.Add([]byte("+++\ntitle = \"Seed\"\ndate = 2026-11-25T10:00:00Z\n+++\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := post.Parse("blog/2026-01-02-fuzz.md", data, testOptions())
		if err != nil {
			checkProblem(t, err, data)
			return
		}
		if p.Title == "" || p.Date.IsZero() || p.ID == "" || p.Slug == "" || !strings.HasPrefix(p.Permalink, "https://blog.example.com/") {
			t.Fatalf("post lacks what a feed needs: %+v", p)
		}
		for _, s := range append([]string{p.Title, p.Summary(), p.ContentHTML()}, p.Tags...) {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\x01\x08\x0B\x0C\x1F\uFFFE\uFFFF") {
				t.Fatalf("text field %q is not valid XML text", s)
			}
		}
	})
}

func checkProblem(t *testing.T, err error, data []byte) {
	t.Helper()
	var prob post.Problem
	if !errors.As(err, &prob) {
		t.Fatalf("error %v (%T) is not a Problem", err, err)
	}
	lines := bytes.Split(data, []byte("\n"))
	if prob.Path != "blog/2026-01-02-fuzz.md" || prob.Line < 1 || prob.Line > len(lines) {
		t.Fatalf("problem %v: line outside the file's %d lines", prob, len(lines))
	}
	if width := utf8.RuneCount(lines[prob.Line-1]) + 1; prob.Col < 1 || prob.Col > width {
		t.Fatalf("problem %v: column outside line %d (%d characters)", prob, prob.Line, width-1)
	}
}
