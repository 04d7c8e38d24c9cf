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

// rewriteHTML returns frag with relative href and src attributes resolved
// against base, and whether anything changed.
func rewriteHTML(frag []byte, base *url.URL) ([]byte, bool) {
	if !bytes.Contains(frag, []byte("href")) && !bytes.Contains(frag, []byte("src")) {
		return frag, false
	}
	z := html.NewTokenizer(bytes.NewReader(frag))
	var out bytes.Buffer
	changed := false
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		raw := bytes.Clone(z.Raw())
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			if tag, ok := rewriteTag(z.Token(), base); ok {
				out.WriteString(tag)
				changed = true
				continue
			}
		}
		out.Write(raw)
	}
	return out.Bytes(), changed
}

// rewriteTag resolves relative href and src attributes of one tag.
func rewriteTag(tok html.Token, base *url.URL) (string, bool) {
	changed := false
	for i, a := range tok.Attr {
		if a.Namespace != "" || (a.Key != "href" && a.Key != "src") {
			continue
		}
		v := strings.TrimSpace(a.Val)
		if abs := string(resolve(base, []byte(v))); abs != v {
			tok.Attr[i].Val = abs
			changed = true
		}
	}
	return tok.String(), changed
}
