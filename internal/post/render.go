package post

import (
	"bytes"
	"hash/maphash"
	"net/url"
	"strings"
	"sync"

	"github.com/heraldhq/herald/internal/lru"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// moreMark separates the summary from the rest of the body.
const moreMark = "<!--more-->"

// postImpl holds the raw body of a Post and its lazily rendered parts.
type postImpl struct {
	md        *markdown
	words     int         // Options.SummaryWords
	sum       fileSum     // the whole file as read
	body      *lazyBody   // Markdown after the front matter; never modified
	fmSummary string      // summary or description from the front matter
	env       *expandEnv  // for a body or summary with shortcodes or Liquid tags; nil otherwise
	refs      []Directive // ref, relref and post_url targets with their lines, checked by the Library
	targets   []string    // every name the body and summary look up as a post (refs and Jekyll's link)
	ownNotes  int         // how many of Unsupported are the post's own, before the Library's notes on refs
}

// htmlKey identifies a rendered body: the bytes of the file it came from,
// the permalink its links are resolved against and, for a post linking to
// others (see postImpl.targets), their URLs as it would show them now.
type htmlKey struct {
	sum       fileSum
	permalink string
	targets   string
}

// key is the htmlKey of the post pi with permalink, rendered now: the
// posts it links to may have moved since it was rendered last.
func (pi *postImpl) key(permalink string) htmlKey {
	k := htmlKey{sum: pi.sum, permalink: permalink}
	if len(pi.targets) > 0 && pi.env != nil {
		var b strings.Builder
		for _, t := range pi.targets {
			b.WriteString(pi.env.find(t))
			b.WriteByte(0)
		}
		k.targets = b.String()
	}
	return k
}

// htmlCacheBytes bounds the rendered HTML a Library keeps (see
// ContentHTML), and summaryCacheBytes its summaries: enough for the posts
// of several feeds, whatever the number of posts. The feed builder keeps
// its own items, so these serve what renders a post again soon (a
// newsletter issue, a feed rebuilt after its items were dropped).
const htmlCacheBytes, summaryCacheBytes = 4 << 20, 2 << 20

// ContentHTML returns the body rendered to HTML with relative links and
// image sources made absolute from the permalink. Raw HTML in the Markdown
// is kept as written (the feed package escapes for XML). It returns "" for a
// Post not made by this package. Safe for concurrent use. The HTML is
// rendered on demand and kept in the Library's cache, bounded in bytes and
// keyed by the file's content and the permalink, so a post rendered again
// soon costs a lookup and a post not shown costs no memory.
func (p *Post) ContentHTML() string {
	if p.impl == nil {
		return ""
	}
	key := p.impl.key(p.Permalink)
	if h, ok := p.impl.md.cache.Get(key); ok {
		return h
	}
	md := p.impl.md
	src := p.impl.expand(stripForbiddenBytes(p.impl.body.bytes(md.seed, p.impl.sum)))
	doc := md.gm().Parser().Parse(text.NewReader(src))
	if p.impl.fmSummary == "" && !bytes.Contains(src, []byte(moreMark)) {
		// The summary is then the first paragraph of this same document
		// (see summaryText): taken now, before html makes the tree's links
		// absolute, it spares Summary, which a feed asks next, a second
		// read and parse of the body.
		if _, ok := md.summaries.Get(key); !ok {
			s := trimWords(plainDoc(doc, src, true), p.impl.words)
			md.summaries.Add(key, s, int64(len(s)+len(p.Permalink)+64))
		}
	}
	h := md.html(doc, src, p.Permalink)
	md.cache.Add(key, h, int64(len(h)+len(p.Permalink)+64))
	return h
}

// Summary returns the plain-text summary: front matter summary/description,
// else the text before <!--more-->, else the first paragraph, trimmed to
// Options.SummaryWords words followed by "…". It returns "" for a Post not
// made by this package. Safe for concurrent use; computed on demand and
// kept in the Library's bounded cache, like ContentHTML.
func (p *Post) Summary() string {
	if p.impl == nil {
		return ""
	}
	key := p.impl.key(p.Permalink)
	if s, ok := p.impl.md.summaries.Get(key); ok {
		return s
	}
	s := trimWords(p.impl.summaryText(), p.impl.words)
	p.impl.md.summaries.Add(key, s, int64(len(s)+len(p.Permalink)+64))
	return s
}

func (pi *postImpl) summaryText() string {
	if pi.fmSummary != "" {
		return pi.md.plain(pi.expand([]byte(pi.fmSummary)), false)
	}
	body := pi.expand(stripForbiddenBytes(pi.body.bytes(pi.md.seed, pi.sum)))
	if i := bytes.Index(body, []byte(moreMark)); i >= 0 {
		return pi.md.plain(body[:i], false)
	}
	return pi.md.plain(body, true)
}

// expand replaces the shortcodes and Liquid tags of src, when the post
// has any.
func (pi *postImpl) expand(src []byte) []byte {
	if pi.env == nil {
		return src
	}
	out, _ := pi.env.expand(src, 1)
	return out
}

// trimWords joins the words of s with single spaces, keeping at most n
// (all when n <= 0) and marking a cut with "…".
func trimWords(s string, n int) string {
	words := strings.Fields(s)
	if n > 0 && len(words) > n {
		return strings.Join(words[:n], " ") + "…"
	}
	return strings.Join(words, " ")
}

// markdown is a goldmark instance with GitHub-flavoured Markdown, footnotes
// and raw HTML, built on first use; safe for concurrent use.
type markdown struct {
	once      sync.Once
	md        goldmark.Markdown
	cache     *lru.Cache[htmlKey, string] // rendered bodies; see ContentHTML
	summaries *lru.Cache[htmlKey, string] // see Summary
	seed      maphash.Seed                // of the posts' fileSums
}

func newMarkdown(seed maphash.Seed) *markdown {
	return &markdown{cache: lru.New[htmlKey, string](htmlCacheBytes), summaries: lru.New[htmlKey, string](summaryCacheBytes), seed: seed}
}

func (m *markdown) gm() goldmark.Markdown {
	m.once.Do(func() {
		m.md = goldmark.New(
			goldmark.WithExtensions(extension.GFM, extension.Footnote),
			goldmark.WithRendererOptions(html.WithUnsafe()),
		)
	})
	return m.md
}

// html renders doc, the document parsed from src, with links and images
// resolved against permalink; it changes doc.
func (m *markdown) html(doc ast.Node, src []byte, permalink string) string {
	if base, err := url.Parse(permalink); err == nil {
		absolutize(doc, base)
		absolutizeRawHTML(doc, src, base)
	}
	var buf bytes.Buffer
	if err := m.gm().Renderer().Render(&buf, src, doc); err != nil {
		return "" // the HTML renderer writes to a bytes.Buffer and cannot fail
	}
	return fixLinks(buf.Bytes(), permalink)
}

// fixLinks drops empty href attributes (from [x]()) and makes the
// fragment-only links the renderer writes itself (footnotes) absolute.
// Text cannot hold either pattern: the renderer escapes its quotes.
func fixLinks(out []byte, permalink string) string {
	out = bytes.ReplaceAll(out, []byte(` href=""`), nil)
	if u, err := url.Parse(permalink); err == nil && u.IsAbs() {
		u.Fragment = ""
		out = bytes.ReplaceAll(out, []byte(` href="#`), []byte(` href="`+htmlEscapeText(u.String())+`#`))
	}
	return string(out)
}

// absolutize rewrites relative link and image destinations in the AST.
func absolutize(doc ast.Node, base *url.URL) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			n.Destination = resolve(base, n.Destination)
		case *ast.Image:
			n.Destination = resolve(base, n.Destination)
		}
		return ast.WalkContinue, nil
	})
}

// resolve returns dest made absolute from base; dest unchanged when it is
// already absolute or cannot be parsed.
func resolve(base *url.URL, dest []byte) []byte {
	ref, err := url.Parse(string(dest))
	if err != nil || ref.IsAbs() || len(dest) == 0 {
		return dest
	}
	return []byte(base.ResolveReference(ref).String())
}

// plain returns the text of src without markup: of its first paragraph
// when firstPara is true (the whole text when it has none), else all of it.
func (m *markdown) plain(src []byte, firstPara bool) string {
	return plainDoc(m.gm().Parser().Parse(text.NewReader(src)), src, firstPara)
}

// plainDoc is plain of the document doc parsed from src.
func plainDoc(doc ast.Node, src []byte, firstPara bool) string {
	if firstPara {
		for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
			if c.Kind() == ast.KindParagraph {
				return plainText(c, src)
			}
		}
	}
	return plainText(doc, src)
}

// textValue is the text of n as a reader sees it: backslash escapes and
// entity references resolved, except inside code spans.
func textValue(n *ast.Text, src []byte) []byte {
	v := n.Segment.Value(src)
	if _, code := n.Parent().(*ast.CodeSpan); code {
		return v
	}
	return util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
}

func plainText(root ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(textValue(n, src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(src))
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		if n.Type() == ast.TypeBlock {
			b.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
