package post

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// The cheap forms of the tests every post goes through must answer as the
// plain forms they replaced; these hold them to it.

func hasDirectivesPlain(b []byte) bool {
	return bytes.Contains(b, []byte("{{")) || bytes.Contains(b, []byte("{%"))
}

func boolWordPlain(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}

func jekyllNamePlain(base string, loc *time.Location) (time.Time, string) {
	if len(base) < 12 || base[10] != '-' {
		return time.Time{}, base
	}
	t, err := time.ParseInLocation("2006-01-02", base[:10], loc)
	if err != nil {
		return time.Time{}, base
	}
	return t, base[11:]
}

var fillCases = []string{
	"", "{", "{{", "{%", "a{", "a{b", "{ {", "{}{%", "func main() {\n}\n{{< x >}}", "{{{", "%{", "}{",
	"true", "TRUE", " On ", "yes", "Yes\n", "no", "off", "OFF", "false", "False ", "falsee", "tru", "yeſ", "ｙes", "oN",
	"2023-12-22T00:00:00Z", "2023-12-22-slug", "2023-12-22-", "2023-13-22-slug", "+123-01-02-slug", "-123-01-02-slug",
	"2023-1-22-slug", "20231222-slug-x", "2023/12/22-slug", "abcd-ef-gh-slug", "0000-01-01-x", "2023-02-30-x",
	"Title", "DATE", "tags", "Tags", "author", "publishDate", "x-y", "_build", "title2",
}

func TestHasDirectivesOnePass(t *testing.T) {
	for _, s := range fillCases {
		if got, want := hasDirectives([]byte(s)), hasDirectivesPlain([]byte(s)); got != want {
			t.Errorf("hasDirectives(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestBoolWordInPlace(t *testing.T) {
	for _, s := range fillCases {
		gv, gok := boolWord(s)
		wv, wok := boolWordPlain(s)
		if gv != wv || gok != wok {
			t.Errorf("boolWord(%q) = %v, %v; want %v, %v", s, gv, gok, wv, wok)
		}
	}
}

func TestJekyllNameDigitsFirst(t *testing.T) {
	for _, s := range fillCases {
		gt, gs := jekyllName(s, time.UTC)
		wt, ws := jekyllNamePlain(s, time.UTC)
		if !gt.Equal(wt) || gs != ws {
			t.Errorf("jekyllName(%q) = %v, %q; want %v, %q", s, gt, gs, wt, ws)
		}
	}
}

func TestMetaKey(t *testing.T) {
	for _, s := range append(fillCases, knownKeys[:]...) {
		if got, want := metaKey([]byte(s)), strings.ToLower(s); got != want {
			t.Errorf("metaKey(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzFillFastPaths(f *testing.F) {
	for _, s := range fillCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasDirectives([]byte(s)), hasDirectivesPlain([]byte(s)); got != want {
			t.Errorf("hasDirectives(%q) = %v, want %v", s, got, want)
		}
		gv, gok := boolWord(s)
		if wv, wok := boolWordPlain(s); gv != wv || gok != wok {
			t.Errorf("boolWord(%q) = %v, %v; want %v, %v", s, gv, gok, wv, wok)
		}
		gt, gs := jekyllName(s, time.UTC)
		if wt, ws := jekyllNamePlain(s, time.UTC); !gt.Equal(wt) || gs != ws {
			t.Errorf("jekyllName(%q) = %v, %q; want %v, %q", s, gt, gs, wt, ws)
		}
		if got, want := metaKey([]byte(s)), strings.ToLower(s); got != want {
			t.Errorf("metaKey(%q) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkHasDirectives(b *testing.B) {
	body := bytes.Repeat([]byte("Some text with code: func main() { fmt.Println(x) } and more words to scan.\n"), 60)
	b.Run("one-pass", func(b *testing.B) {
		for b.Loop() {
			if hasDirectives(body) {
				b.Fatal("found one")
			}
		}
	})
	b.Run("two-pass", func(b *testing.B) {
		for b.Loop() {
			if hasDirectivesPlain(body) {
				b.Fatal("found one")
			}
		}
	})
}

// TestMergeSorted: shares sorted apart and merged are in the order of
// one sort of all, for both orders of a Snapshot, any number of shares.
func TestMergeSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range 6 {
		for range 20 {
			var all []*Post
			shares := make([][]*Post, k)
			for i := range shares {
				for range rng.IntN(8) {
					p := &Post{Path: fmt.Sprintf("p%03d-%d.md", rng.IntN(1000), len(all)), // unique, as paths are
						Date: time.Unix(int64(rng.IntN(5)), 0)}
					shares[i], all = append(shares[i], p), append(all, p)
				}
			}
			for _, cmp := range []func(a, b *Post) int{byPathOrder, newer} {
				for _, s := range shares {
					slices.SortFunc(s, cmp)
				}
				want := slices.SortedFunc(slices.Values(all), cmp)
				if got := mergeSorted(slices.Clone(shares), cmp); !slices.Equal(got, want) {
					t.Fatalf("%d shares: merged %v, want %v", k, paths(got), paths(want))
				}
			}
		}
	}
}

// TestSummaryAfterContentHTML: the summary ContentHTML keeps from its own
// parse is the one Summary makes alone, whatever the body holds.
func TestSummaryAfterContentHTML(t *testing.T) {
	opts := Options{BaseURL: "https://blog.example.com", SummaryWords: 8, Authors: map[string]Author{"mike": {Name: "Mike"}}}
	bodies := []string{
		"A [relative link](../x/) and ![an image](img.png) in the first paragraph, long enough to be cut.\n\nSecond.\n",
		"Inline <a href=\"/rel\">raw HTML</a> and <img src=\"a.png\"> here.\n\nMore.\n",
		"<div>\n<a href=\"/block\">block html</a>\n</div>\n\nThen a paragraph with a footnote[^1].\n\n[^1]: The note.\n",
		"# Only a heading\n\n- a list\n- of items\n",
		"Before the mark.\n\n<!--more-->\n\nAfter the mark.\n",
		"A [ref link][r] defined later.\n\n[r]: https://example.org/\n",
		"Text with &amp; entities \\* escapes and `code <b>`.\n",
		"{{< figure src=\"a.png\" caption=\"Cap\" >}}\n\nWords after a shortcode.\n",
		"",
	}
	for _, fm := range []string{"", "summary: From the front matter, with *emphasis*.\n"} {
		for _, body := range bodies {
			src := "---\ntitle: T\ndate: 2026-01-01\nauthor: mike\n" + fm + "---\n\n" + body
			alone, err := Parse("blog/t.md", []byte(src), opts)
			if err != nil {
				t.Fatal(err)
			}
			after, err := Parse("blog/t.md", []byte(src), opts)
			if err != nil {
				t.Fatal(err)
			}
			after.ContentHTML()
			if got, want := after.Summary(), alone.Summary(); got != want {
				t.Errorf("front matter %q, body %q: summary after ContentHTML %q, alone %q", fm, body, got, want)
			}
		}
	}
}
