package post

import (
	"bytes"
	"strings"
)

// Directive is a Hugo shortcode or a Liquid tag herald cannot render (a
// site's own): it was removed from the post's content with its markers,
// keeping what it enclosed. Line is the 1-based line in the file.
type Directive struct {
	Line int
	Name string // "shortcode NAME" or "liquid NAME"
}

// hasDirectives is the cheap test that decides whether a body is scanned
// at all: only text with "{{" or "{%" can hold a shortcode or a tag.
func hasDirectives(b []byte) bool {
	for { // one pass for both openers: every post's body is tested
		i := bytes.IndexByte(b, '{')
		if i < 0 || i+1 == len(b) {
			return false
		}
		if c := b[i+1]; c == '{' || c == '%' {
			return true
		}
		b = b[i+1:]
	}
}

// expandEnv is what expanding a post's directives needs besides its text.
type expandEnv struct {
	md        *markdown
	site      *Site
	base      string            // BaseURL without a trailing slash
	permalink string            // the post's own URL
	page      map[string]string // front matter scalars by lowercase dotted key
	lookup    func(ref string) string
	postDir   string            // absolute folder of the post, for include_relative; "" when unknown
	refs      *[]Directive      // when set, the references to other posts are noted here (Name is the target)
	targets   *[]string         // when set, every name looked up as a post (ref, relref, post_url, link) is noted here
	includes  map[string]string // Liquid include parameters; nil outside an include
	depth     int               // include nesting
}

// expand replaces the shortcodes and Liquid tags of src outside code with
// what they stand for (see doc.go) and returns the new Markdown and the
// directives it removed; line numbers count from firstLine. Text without
// "{{" or "{%" comes back unchanged.
func (env *expandEnv) expand(src []byte, firstLine int) ([]byte, []Directive) {
	if !hasDirectives(src) {
		return src, nil
	}
	x := &expander{env: env, src: src, code: codeSpans(env.md.gm().Parser(), src), firstLine: firstLine}
	x.run()
	return env.escapeLeft(x.out.Bytes()), x.found
}

// escapeLeft turns the "{" of any "{{<", "{{%" or "{%" still outside code
// (from text the expansion put together, or markers without an end) into
// "&#123;", which a reader sees as "{". It parses again after each change,
// as an edit may move code; each round removes at least one marker.
func (env *expandEnv) escapeLeft(b []byte) []byte {
	for {
		code := codeSpans(env.md.gm().Parser(), b)
		var out []byte
		last := 0
		for i := 0; i+1 < len(b); i++ {
			if b[i] != '{' || spanAt(code, i) >= 0 || !markerAt(b, i) {
				continue
			}
			out = append(append(out, b[last:i]...), "&#123;"...)
			last = i + 1
		}
		if out == nil {
			return b
		}
		b = append(out, b[last:]...)
	}
}

// markerAt reports whether a shortcode or Liquid tag opener starts at i.
func markerAt(b []byte, i int) bool {
	rest := b[i:]
	return bytes.HasPrefix(rest, []byte("{%")) || bytes.HasPrefix(rest, []byte("{{<")) || bytes.HasPrefix(rest, []byte("{{%"))
}

// expander is one pass over a source.
type expander struct {
	env       *expandEnv
	src       []byte
	code      []span
	firstLine int
	out       bytes.Buffer
	found     []Directive
	pending   []string // known paired shortcodes opened, waiting for their end
}

func (x *expander) run() {
	i := 0
	for i < len(x.src) {
		j := bytes.IndexByte(x.src[i:], '{')
		if j < 0 {
			break
		}
		j += i
		if k := spanAt(x.code, j); k >= 0 {
			x.out.Write(x.src[i:x.code[k].end])
			i = x.code[k].end
			continue
		}
		x.out.Write(x.src[i:j])
		i = j + x.directive(j)
	}
	x.out.Write(x.src[min(i, len(x.src)):])
}

// directive handles what starts at the "{" at off and returns how many
// bytes of src it consumed (1 when it is plain text).
func (x *expander) directive(off int) int {
	rest := x.src[off:]
	switch {
	case bytes.HasPrefix(rest, []byte("{{</*")), bytes.HasPrefix(rest, []byte("{{%/*")):
		return x.escaped(off)
	case bytes.HasPrefix(rest, []byte("{{<")), bytes.HasPrefix(rest, []byte("{{%")):
		return x.shortcode(off)
	case bytes.HasPrefix(rest, []byte("{%")):
		return x.liquidTag(off)
	case bytes.HasPrefix(rest, []byte("{{")):
		return x.liquidOutput(off)
	}
	x.out.WriteByte('{')
	return 1
}

// escaped writes Hugo's escaped shortcode {{</* x */>}} as the text
// {{< x >}}, with entities so that it stays text.
func (x *expander) escaped(off int) int {
	open := x.src[off+2]
	end := []byte("*/" + string(closer(open)) + "}}")
	n := bytes.Index(x.src[off+5:], end)
	if n < 0 {
		x.out.WriteString("&#123;")
		return 1
	}
	inner := x.src[off+5 : off+5+n]
	x.out.WriteString("&#123;{" + htmlEscapeText(string(open)))
	x.out.WriteString(htmlEscapeText(string(inner)))
	x.out.WriteString(htmlEscapeText(string(closer(open))) + "}}")
	return 5 + n + len(end)
}

func closer(open byte) byte {
	if open == '<' {
		return '>'
	}
	return '%'
}

// line is the file line of src offset off.
func (x *expander) line(off int) int {
	return x.firstLine + bytes.Count(x.src[:off], []byte{'\n'})
}

func (x *expander) drop(off int, kind, name string) {
	x.found = append(x.found, Directive{Line: x.line(off), Name: kind + " " + name})
}

// htmlEscapeText escapes &, < and > (text and attribute values alike,
// with quotes).
func htmlEscapeText(s string) string {
	return htmlEscaper.Replace(s)
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
