package post

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The ASCII fast paths of Slugify, hugoPath, escapePath and hugoPermalink
// must give what the general (rune by rune, net/url) code gives; these
// tests hold them to it on tables and under fuzzing.

var pathCases = []string{
	"", "a", "-", "--", "a-", "-a", "a--b", "a-b-c", "posts/blog/we-market-feature-that-5133",
	"Rust-1.85.1", "Hello World", "  leading and trailing  ", "tabs\tand\nnewlines",
	"a ! b", "a! b", "C# and C++", "50% off", "%41%2F", "a/b\\c#d+e~f-g@h", "dots...and__underscores",
	"UPPER/Case/Path", "x?y=z&w", "semi;colon,comma:colon", "star*", "*", "a b/ c", "quotes\"'`",
	"Über café", "naïve résumé", "日本語のタイトル", "emoji 🎉 post", "İstanbul", "ǅungla", "a\u00a0b", "a\u0085b",
	"e\u0301", "mixed ASCII and ünïcödé 2024", "\x7f\x01control", "trailing-", "-leading", "a_-_b",
}

func TestSlugifyFastPathAgrees(t *testing.T) {
	for _, s := range pathCases {
		want := slugifyRunes(s)
		if got := Slugify(s); got != want {
			t.Errorf("Slugify(%q) = %q, the general path gives %q", s, got, want)
		}
		if got, ok := slugifyASCII(s); ok != isASCII(s) || ok && got != want {
			t.Errorf("slugifyASCII(%q) = %q, %v; want %q, %v", s, got, ok, want, isASCII(s))
		}
	}
}

func TestHugoPathFastPathAgrees(t *testing.T) {
	for _, lower := range []bool{true, false} {
		r := &reader{opts: Options{Site: &Site{Generator: Hugo, DisablePathToLower: !lower}}}
		for _, s := range pathCases {
			want := hugoPathRunes(s, lower)
			if got := r.hugoPath(s); got != want {
				t.Errorf("lower=%v: hugoPath(%q) = %q, the general path gives %q", lower, s, got, want)
			}
			if got, ok := hugoPathASCII(s, lower); ok != isASCII(s) || ok && got != want {
				t.Errorf("lower=%v: hugoPathASCII(%q) = %q, %v; want %q, %v", lower, s, got, ok, want, isASCII(s))
			}
		}
	}
}

func TestEscapePathFastPathAgrees(t *testing.T) {
	cases := append([]string(nil), pathCases...)
	for c := range 256 {
		cases = append(cases, string(rune(c)), "a"+string([]byte{byte(c)})+"b")
	}
	for _, s := range cases {
		if got, want := escapePath(s), escapePathURL(s); got != want {
			t.Errorf("escapePath(%q) = %q, net/url gives %q", s, got, want)
		}
	}
}

// TestHugoPermalinkFastPathAgrees checks the one-concatenation URL of a
// plain path against the general formula, for every combination of the
// settings it reads.
func TestHugoPermalinkFastPathAgrees(t *testing.T) {
	names := []string{"we-market-feature-that-5133", "Rust-1.85.1", "hello world", "café", "a#b", "a\\b", "%41", "x", "index", "x/index", "_index"}
	dirs := []string{"blog", "posts/blog", "", "Blog", "my folder", "a//b", "b/x", "x/"}
	for _, prefix := range []string{"", "posts", "Posts", "content/posts", "/posts", "posts/", "my posts", "/"} {
		for _, pathPrefix := range []string{"", "/fr", "fr", "/a b"} {
			for _, ugly := range []bool{false, true} {
				for _, lower := range []bool{true, false} {
					site := &Site{Generator: Hugo, Prefix: prefix, PathPrefix: pathPrefix, UglyURLs: ugly, DisablePathToLower: !lower}
					r := newReader(Options{BaseURL: "https://example.com/", Site: site})
					for _, dir := range dirs {
						for _, name := range names {
							rel := strings.TrimPrefix(dir+"/"+name+".md", "/")
							if prefix == "" && dir == "" {
								continue // a page at the top of content: not a post of a section
							}
							p := &Post{Path: rel}
							got, err := r.hugoPermalink(p, nil)
							if err != nil {
								t.Fatal(err)
							}
							fdir, fname := hugoParts(r.sitePath(rel))
							target := hugoPathRunes(fdir+"/"+fname, lower) + "/"
							if ugly && target != "/" {
								target = strings.TrimSuffix(target, "/") + ".html"
							}
							want := r.base + cleanPath(escapePathURL(pathPrefix+"/"+target))
							if got != want {
								t.Errorf("%+v, %s: got %s, want %s", *site, rel, got, want)
							}
						}
					}
				}
			}
		}
	}
}

func TestTagURIDate(t *testing.T) {
	r := newReader(Options{BaseURL: "https://blog.example.com", Location: time.UTC})
	for date, want := range map[time.Time]string{
		time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC):        "tag:blog.example.com,2026-11-25:/a%20b",
		time.Date(10000, 1, 2, 0, 0, 0, 0, time.UTC):          "tag:blog.example.com,10000-01-02:/a%20b",
		time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC):        "tag:blog.example.com,9999-12-31:/a%20b",
		time.Date(5, 3, 4, 0, 0, 0, 0, time.FixedZone("", 0)): "tag:blog.example.com,0005-03-04:/a%20b",
	} {
		if got := r.tagURI(date, "a b"); got != want {
			t.Errorf("tagURI(%v) = %q, want %q", date, got, want)
		}
	}
}

func TestAppendDateAsFormat(t *testing.T) {
	for _, d := range []time.Time{
		time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(-1, 6, 9, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-12345, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(999, 10, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got, want := string(appendDate(nil, d)), d.Format("2006-01-02"); got != want {
			t.Errorf("appendDate(%v) = %q, want %q", d, got, want)
		}
	}
	for d := time.Date(1999, 12, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2002; d = d.AddDate(0, 0, 1) {
		if got, want := string(appendDate(nil, d)), d.Format("2006-01-02"); got != want {
			t.Fatalf("appendDate(%v) = %q, want %q", d, got, want)
		}
	}
}

func FuzzSlugifyFastPath(f *testing.F) {
	for _, s := range pathCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Slugify(s), slugifyRunes(s); got != want {
			t.Errorf("Slugify(%q) = %q, the general path gives %q", s, got, want)
		}
	})
}

func FuzzHugoPathFastPath(f *testing.F) {
	for _, s := range pathCases {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, lower bool) {
		if got, ok := hugoPathASCII(s, lower); ok && got != hugoPathRunes(s, lower) {
			t.Errorf("hugoPathASCII(%q, %v) = %q, the general path gives %q", s, lower, got, hugoPathRunes(s, lower))
		}
		if got, want := escapePath(s), escapePathURL(s); got != want {
			t.Errorf("escapePath(%q) = %q, net/url gives %q", s, got, want)
		}
	})
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

var sink string

func BenchmarkSlugify(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"ascii-slug", "we-market-feature-that-5133"},
		{"ascii", "Rust 1.85.1: What's New"},
		{"unicode", "Über café: naïve résumé"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = Slugify(c.s)
			}
		})
	}
}

func BenchmarkHugoPath(b *testing.B) {
	r := &reader{opts: Options{Site: &Site{Generator: Hugo}}}
	for _, c := range []struct{ name, s string }{
		{"ascii-kept", "posts/blog/we-market-feature-that-5133"},
		{"ascii", "posts/Blog/Rust 1.85.1 release"},
		{"unicode", "posts/blog/Über café naïve résumé"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = r.hugoPath(c.s)
			}
		})
	}
}

func BenchmarkHugoPermalink(b *testing.B) {
	r := newReader(Options{BaseURL: "https://blog.example.com", Site: &Site{Generator: Hugo, Prefix: "posts"}})
	for _, c := range []struct{ name, path string }{
		{"ascii-kept", "blog/we-market-feature-that-5133.md"},
		{"ascii", "blog/Rust 1.85.1 release.md"},
		{"unicode", "blog/Über café.md"},
	} {
		b.Run(c.name, func(b *testing.B) {
			p := &Post{Path: c.path}
			b.ReportAllocs()
			for b.Loop() {
				sink, _ = r.hugoPermalink(p, nil)
			}
		})
	}
}

// TestHugoPermalinkPatternFolders: a [permalinks] pattern sees the same
// section and folders as from the joined content path.
func TestHugoPermalinkPatternFolders(t *testing.T) {
	patterns := map[string]string{}
	for _, s := range []string{"posts", "Posts", "content", "my posts", "blog", "Blog", "b", "x", "a", "my folder"} {
		patterns[s] = "/:sections/:section/:slugorfilename/"
	}
	for _, prefix := range []string{"", "posts", "content/posts", "/posts", "posts/"} {
		site := &Site{Generator: Hugo, Prefix: prefix, Permalinks: patterns}
		r := newReader(Options{BaseURL: "https://example.com/", Site: site})
		for _, rel := range []string{"blog/a.md", "blog/x/index.md", "a.md", "x/index.md", "Blog/My Post.md", "a//b/c.md", "my folder/index.md"} {
			p := &Post{Path: rel}
			got, err := r.hugoPermalink(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			fdir, fname := hugoParts(r.sitePath(rel))
			section, _, _ := strings.Cut(fdir, "/")
			want := ""
			if pattern, ok := patterns[section]; ok && section != "" {
				want = r.base + cleanPath(escapePathURL("/"+r.expandHugo(pattern, p, "", fdir, fname)))
			} else {
				want = r.base + cleanPath(escapePathURL("/"+hugoPathRunes(fdir+"/"+fname, true)+"/"))
			}
			if got != want {
				t.Errorf("prefix %q, %s: got %s, want %s", prefix, rel, got, want)
			}
		}
	}
}
