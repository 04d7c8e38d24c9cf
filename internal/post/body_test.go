package post_test

import (
	"os"
	"strings"
	"testing"
)

// TestLibraryLazyBody checks that a loaded post reads its body when first
// rendered, and renders nothing rather than another version's body when the
// file changed since it was parsed; a post parsed by Update keeps its body.
func TestLibraryLazyBody(t *testing.T) {
	long := strings.Repeat("Filler words for a longer body. ", 700) // past one read buffer
	tests := []struct {
		name   string
		body   string
		edit   func(s *site) // between the parse and the render; nil for none
		update bool          // parse with Update rather than Load
		want   string        // in ContentHTML; "" for an empty render
	}{
		{"unchanged", "First words.", nil, false, "<p>First words.</p>"},
		{"long body", "Opening. " + long, nil, false, "Filler words for a longer body."},
		{"bom", "\uFEFFAfter a byte order mark.", nil, false, "After a byte order mark."},
		{"changed since load", "Old words.", func(s *site) { s.write("a.md", src("A", "2026-01-01")+"\nNew, longer words.\n") }, false, ""},
		{"same size change", "Old words.", func(s *site) { s.write("a.md", src("A", "2026-01-01")+"\nNew words.\n") }, false, ""},
		{"removed since load", "Old words.", func(s *site) { os.Remove(s.abs("a.md")) }, false, ""},
		{"changed since update", "Kept words.", func(s *site) { s.write("a.md", src("A", "2026-01-01")+"\nNew, longer words.\n") }, true, "<p>Kept words.</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := src("A", "2026-01-01") + "\n" + tt.body + "\n"
			if body, ok := strings.CutPrefix(tt.body, "\uFEFF"); ok {
				file = "\uFEFF" + src("A", "2026-01-01") + "\n" + body + "\n"
			}
			s := newSite(t, map[string]string{"a.md": src("A", "2026-01-01")})
			s.write("a.md", file)
			if tt.update {
				s.update(true, s.abs("a.md"))
			} else if err := s.lib.Load(t.Context()); err != nil {
				t.Fatal(err)
			}
			p := s.lib.Snapshot().ByPath("a.md")
			if p == nil {
				t.Fatalf("a.md not loaded; problems %v", s.lib.Snapshot().Problems())
			}
			if tt.edit != nil {
				tt.edit(s)
			}
			got := p.ContentHTML()
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("ContentHTML() = %.80q, want it to contain %q", got, tt.want)
			}
			if sum := p.Summary(); tt.want == "" && sum != "" {
				t.Errorf("Summary() = %q for a file changed since, want empty", sum)
			}
		})
	}
}
