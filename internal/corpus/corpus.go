// Package corpus writes deterministic collections of Markdown posts with
// Hugo-compatible YAML front matter, for benchmarks and load tests.
package corpus

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

var (
	authorKeys = [...]string{"mike", "andrew", "sarah", "li", "omar"}
	tagNames   = [...]string{"negotiation", "webinars", "content", "email", "seo", "pricing", "sales", "writing", "go", "events"}
	sections   = [...]string{"blog", "news", "guides"}
	vocabulary = `the a of to and in that is for on with as it at by this from be or are an
		was we can will your our they you has have more about which one their not all new but when how
		audience buyer pitch offer deal price value webinar speaker slide question answer draft story
		reader subscriber newsletter campaign launch feature customer market brand voice channel budget
		quarter target goal metric growth trial signup landing page headline subject line open rate click
		anchor concession leverage walk-away alternative agreement contract proposal counter timing silence
		research outline edit publish schedule calendar series guest interview recording replay follow-up
		team process plan review feedback test result lesson mistake habit routine focus clarity trust`
)

// AuthorKeys returns the author keys Generate uses in front matter, so a
// caller can declare them in post.Options.Authors.
func AuthorKeys() []string { return authorKeys[:] }

// Shape says how many authors and tags a corpus spreads its posts over.
// The zero Shape is Generate's: 5 authors and 10 tags.
type Shape struct {
	Authors int // number of author keys; 0 means 5
	Tags    int // number of tag names; 0 means 10
}

// AuthorKeys returns the author keys of the corpus shape sh, to declare
// in post.Options.Authors or a config.
func (sh Shape) AuthorKeys() []string {
	if sh.Authors <= 0 {
		return AuthorKeys()
	}
	keys := make([]string, sh.Authors)
	for i := range keys {
		keys[i] = fmt.Sprintf("writer%03d", i)
	}
	return keys
}

// tagList returns the tag names of shape sh: the ten default names, then
// "topic-N" up to sh.Tags.
func (sh Shape) tagList() []string {
	if sh.Tags <= 0 {
		return tagNames[:]
	}
	tags := make([]string, sh.Tags)
	for i := range tags {
		if i < len(tagNames) {
			tags[i] = tagNames[i]
		} else {
			tags[i] = fmt.Sprintf("topic-%d", i)
		}
	}
	return tags
}

// Newest returns the date of the newest non-future generated post; older
// posts go back from it in steps of five hours. Nothing depends on the wall
// clock.
func Newest() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }

// gen is the state of one Generate call.
type gen struct {
	rng     *rand.Rand
	words   []string
	authors []string
	tags    []string
}

// Generate writes n posts under dir: dir/<section>/<slug>.md, and every
// tenth post as a bundle dir/<section>/<slug>/index.md. The same n and seed
// always give the same files. Each post has 300 to 1,500 words with
// headings, lists, a code block, links and images; about 1% are drafts and
// 1% are dated after Newest. It returns the first write error.
func Generate(dir string, n int, seed int64) error { return GenerateShape(dir, n, seed, Shape{}) }

// GenerateShape is Generate with the authors and tags of sh: each post
// names one author and two tags drawn from them. The zero Shape writes
// the same files as Generate.
func GenerateShape(dir string, n int, seed int64, sh Shape) error {
	g := &gen{rng: rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9E3779B97F4A7C15)), words: strings.Fields(vocabulary),
		authors: sh.AuthorKeys(), tags: sh.tagList()}
	for _, s := range sections {
		if err := os.MkdirAll(filepath.Join(dir, s), 0o755); err != nil {
			return fmt.Errorf("generate corpus: %w", err)
		}
	}
	var buf bytes.Buffer
	for i := range n {
		buf.Reset()
		name := g.post(&buf, i)
		path := filepath.Join(dir, sections[i%len(sections)], name+".md")
		if i%10 == 0 {
			path = filepath.Join(dir, sections[i%len(sections)], name, "index.md")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return fmt.Errorf("generate corpus: %w", err)
			}
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("generate corpus: %w", err)
		}
	}
	return nil
}

// writePost writes post i to b and returns its file name without extension.
func (g *gen) post(b *bytes.Buffer, i int) string {
	rng := g.rng
	title := g.sentence(4 + rng.IntN(6))
	slug := fmt.Sprintf("%s-%d", strings.ReplaceAll(strings.ToLower(strings.TrimSuffix(title, ".")), " ", "-"), i)
	date := Newest().Add(-time.Duration(i) * 5 * time.Hour)
	if i%100 == 7 {
		date = Newest().Add(time.Duration(i+1) * 24 * time.Hour)
	}
	fmt.Fprintf(b, "---\ntitle: %q\ndate: %s\n", strings.TrimSuffix(title, "."), date.Format(time.RFC3339))
	fmt.Fprintf(b, "author: %s\ntags: [%s, %s]\n", g.authors[rng.IntN(len(g.authors))],
		g.tags[rng.IntN(len(g.tags))], g.tags[rng.IntN(len(g.tags))])
	if i%100 == 3 {
		b.WriteString("draft: true\n")
	}
	if i%4 == 0 {
		fmt.Fprintf(b, "lastmod: %s\n", date.Add(48*time.Hour).Format(time.RFC3339))
	}
	b.WriteString("---\n\n")
	g.body(b, 300+rng.IntN(1101))
	return slug
}

// writeBody writes about words words of Markdown.
func (g *gen) body(b *bytes.Buffer, words int) {
	rng := g.rng
	for n, block := 0, 0; n < words; block++ {
		switch {
		case block%5 == 2:
			fmt.Fprintf(b, "## %s\n\n", strings.TrimSuffix(g.sentence(3+rng.IntN(4)), "."))
		case block%7 == 4:
			for range 3 + rng.IntN(3) {
				fmt.Fprintf(b, "- %s\n", g.sentence(5))
				n += 5
			}
			b.WriteByte('\n')
		case block == 3:
			b.WriteString("```go\nfunc main() {\n\tfmt.Println(\"hello, readers\")\n}\n```\n\n")
		case block%9 == 6:
			fmt.Fprintf(b, "![%s](images/figure-%d.png)\n\n", g.sentence(3), block)
		default:
			k := min(40+rng.IntN(60), words-n+1)
			fmt.Fprintf(b, "%s See [the notes](../notes/) and [the guide](https://example.org/guide/%d).\n\n", g.sentence(k), block)
			n += k + 6
		}
	}
}

// sentence returns n random words, capitalised, ending with a full stop.
func (g *gen) sentence(n int) string {
	var b strings.Builder
	for j := range n {
		w := g.words[g.rng.IntN(len(g.words))]
		if j == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}
