package feed

import (
	"encoding/xml"
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/templates"
)

func TestClean(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "Hello, world", "Hello, world"},
		{"tab newline cr kept", "a\tb\nc\rd", "a\tb\nc\rd"},
		{"nul and bell removed", "a\x00b\x07c", "abc"},
		{"vertical tab and form feed removed", "a\x0bb\x0cc", "abc"},
		{"escape removed", "\x1b[31mred", "[31mred"},
		{"non-ascii kept", "مرحبا שלום 🎉 é", "مرحبا שלום 🎉 é"},
		{"invalid utf-8 dropped", "ok\xff\xfeok", "okok"},
		{"noncharacters removed", "a\uFFFEb\uFFFFc", "abc"},
		{"del and c1 kept (allowed by XML 1.0)", "a\x7fb\u0085c", "a\x7fb\u0085c"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := clean(c.in); got != c.want {
				t.Errorf("clean(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "a\x00b", "\xff", "مرحبا", "]]>", "\uFFFE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := clean(s)
		if !utf8.ValidString(got) {
			t.Fatalf("clean(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if !xmlAllowed(r) {
				t.Fatalf("clean(%q) kept %U", s, r)
			}
		}
		var v struct {
			X string `xml:"x"`
		}
		doc := "<d><x>" + escapeText(got) + "</x></d>"
		if err := xml.Unmarshal([]byte(doc), &v); err != nil || v.X != got {
			t.Fatalf("clean(%q) = %q does not survive XML: %v (read back %q)", s, got, err, v.X)
		}
	})
}

func escapeText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func TestSlug(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Go", "go"},
		{"Go Tips!", "go-tips"},
		{"  C++ / Rust  ", "c-rust"},
		{"Ünïcödé", "ünïcödé"},
		{"عربي", "عربي"},
		{"2026 plans", "2026-plans"},
		{"!!!", ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := post.Slugify(c.in); got != c.want {
				t.Errorf("post.Slugify(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
	if got := folderName("!!!"); got != "x212121" {
		t.Errorf("folderName(%q) = %q, want a hex fallback", "!!!", got)
	}
}

func TestStylesheetIsSelfContained(t *testing.T) {
	data, err := fs.ReadFile(templates.Embedded(), "feed/"+StylesheetPath)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(strings.NewReader(string(data)))
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("style.xsl is not well-formed XML: %v", err)
			}
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		for _, a := range se.Attr {
			if a.Name.Space != "xmlns" && a.Name.Local != "xmlns" && strings.Contains(a.Value, "//") {
				t.Errorf("style.xsl loads an outside resource: <%s %s=%q>", se.Name.Local, a.Name.Local, a.Value)
			}
		}
	}
	for _, want := range []string{`match="channel"`, `match="atom:feed"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("style.xsl has no template %s", want)
		}
	}
}

func TestNegotiateType(t *testing.T) {
	const chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
	// The Accept headers of Miniflux 2.3.5 and of SimplePie (FreshRSS).
	const miniflux = "application/xml,application/atom+xml,application/rss+xml,application/rdf+xml,application/feed+json,text/html,*/*;q=0.9"
	const simplepie = "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.7, unknown/unknown;q=0.1, application/unknown;q=0.1, */*;q=0.1"
	cases := []struct{ name, ct, accept, want string }{
		{"browser gets rss as xml", TypeRSS, chrome, TypeBrowserXML},
		{"browser gets atom as xml", TypeAtom, chrome, TypeBrowserXML},
		{"browser gets json unchanged", TypeJSON, chrome, TypeJSON},
		{"feed reader", TypeRSS, "application/rss+xml, application/atom+xml;q=0.9, */*;q=0.1", TypeRSS},
		// Feed readers that accept HTML too (to discover a feed from a page)
		// but name the feed's own type at least as high are readers.
		{"miniflux rss", TypeRSS, miniflux, TypeRSS},
		{"miniflux atom", TypeAtom, miniflux, TypeAtom},
		{"simplepie (FreshRSS) rss", TypeRSS, simplepie, TypeRSS},
		{"simplepie (FreshRSS) atom", TypeAtom, simplepie, TypeAtom},
		{"feed type below html", TypeRSS, "text/html, application/rss+xml;q=0.5", TypeBrowserXML},
		{"other feed type only", TypeRSS, "application/atom+xml, text/html", TypeBrowserXML},
		{"feed type refused", TypeAtom, "text/html;q=0.5, application/atom+xml;q=0", TypeBrowserXML},
		{"firefox", TypeRSS, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", TypeBrowserXML},
		{"no accept header", TypeAtom, "", TypeAtom},
		{"html refused", TypeRSS, "text/html;q=0, */*", TypeRSS},
		{"media types ignore case", TypeRSS, "Text/HTML", TypeBrowserXML},
		{"stylesheet unchanged", TypeXSL, chrome, TypeXSL},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := NegotiateType(c.ct, c.accept); got != c.want {
				t.Errorf("NegotiateType(%q, %q) = %q, want %q", c.ct, c.accept, got, c.want)
			}
		})
	}
}
