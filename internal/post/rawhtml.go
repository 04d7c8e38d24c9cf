package post

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/yuin/goldmark/ast"
	"golang.org/x/net/html"
)

// absolutizeRawHTML makes href and src attributes in raw HTML (HTML blocks
// and inline tags written in the Markdown) absolute from base. A node with
// something to rewrite is replaced by a raw String node holding the new
// HTML; everything else in it is copied byte for byte.
func absolutizeRawHTML(doc ast.Node, src []byte, base *url.URL) {
	type swap struct{ old, new ast.Node }
	var swaps []swap
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var raw []byte
		switch n := n.(type) {
		case *ast.RawHTML:
			raw = n.Segments.Value(src)
		case *ast.HTMLBlock:
			raw = n.Lines().Value(src)
			if n.HasClosure() {
				raw = append(raw, n.ClosureLine.Value(src)...)
			}
		default:
			return ast.WalkContinue, nil
		}
		if out, changed := rewriteHTML(raw, base); changed {
			s := ast.NewString(out)
			s.SetCode(true) // written as is
			swaps = append(swaps, swap{n, s})
		}
		return ast.WalkSkipChildren, nil
	})
	for _, s := range swaps {
		s.old.Parent().ReplaceChild(s.old.Parent(), s.old, s.new)
	}
}

// rewriteHTML returns frag with relative URLs in href, src, srcset and
// poster attributes resolved against base, inside <noscript> too, and
// whether anything changed.
func rewriteHTML(frag []byte, base *url.URL) ([]byte, bool) {
	if !bytes.Contains(frag, []byte("href")) && !bytes.Contains(frag, []byte("src")) && !bytes.Contains(frag, []byte("poster")) {
		return frag, false
	}
	z := html.NewTokenizer(bytes.NewReader(frag))
	var out bytes.Buffer
	changed, inNoscript := false, false
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		raw := bytes.Clone(z.Raw())
		switch {
		case tt == html.StartTagToken || tt == html.SelfClosingTagToken:
			tok := z.Token()
			inNoscript = tok.Data == "noscript" && tt == html.StartTagToken
			if tag, ok := rewriteTag(tok, base); ok {
				out.WriteString(tag)
				changed = true
				continue
			}
		case tt == html.TextToken && inNoscript:
			// The tokenizer reads <noscript> as raw text: rewrite it as HTML.
			if inner, ok := rewriteHTML(raw, base); ok {
				out.Write(inner)
				changed = true
				continue
			}
		default:
			inNoscript = false
		}
		out.Write(raw)
	}
	return out.Bytes(), changed
}

// rewriteTag resolves the relative URLs of one tag's href, src, poster and
// srcset attributes.
func rewriteTag(tok html.Token, base *url.URL) (string, bool) {
	changed := false
	for i, a := range tok.Attr {
		var abs string
		switch {
		case a.Namespace != "":
			continue
		case a.Key == "href" || a.Key == "src" || a.Key == "poster":
			abs = string(resolve(base, []byte(strings.TrimSpace(a.Val))))
		case a.Key == "srcset":
			abs = resolveSrcset(base, a.Val)
		default:
			continue
		}
		if abs != a.Val {
			tok.Attr[i].Val = abs
			changed = true
		}
	}
	return tok.String(), changed
}

// resolveSrcset resolves each candidate URL of a srcset attribute ("a.png
// 1x, b.png 2x"), keeping the descriptors.
func resolveSrcset(base *url.URL, set string) string {
	var parts []string
	for cand := range strings.SplitSeq(set, ",") {
		fields := strings.Fields(cand)
		if len(fields) == 0 {
			continue
		}
		fields[0] = string(resolve(base, []byte(fields[0])))
		parts = append(parts, strings.Join(fields, " "))
	}
	return strings.Join(parts, ", ")
}
