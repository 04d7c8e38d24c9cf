package post

import (
	"sort"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// span is a byte range [start, end) of a Markdown source.
type span struct{ start, end int }

// codeSpans returns the byte ranges of src that Markdown reads as code
// (fenced and indented code blocks, inline code spans), sorted, as the
// parser p sees them. Shortcodes and Liquid tags inside them are text.
func codeSpans(p parser.Parser, src []byte) []span {
	doc := p.Parse(text.NewReader(src))
	var out []span
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if s := blockSpan(n); s.start >= 0 {
				out = append(out, s)
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			if s, ok := childrenSpan(n); ok {
				out = append(out, s)
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// blockSpan covers the lines of a code block, and the info string of a
// fenced one (the fences hold nothing else).
func blockSpan(n ast.Node) span {
	lines := n.Lines()
	s := span{-1, -1}
	if lines.Len() > 0 {
		s = span{lines.At(0).Start, lines.At(lines.Len() - 1).Stop}
	}
	if f, ok := n.(*ast.FencedCodeBlock); ok && f.Info != nil {
		if s.start < 0 {
			s = span{f.Info.Segment.Start, f.Info.Segment.Stop}
		}
		s.start = min(s.start, f.Info.Segment.Start)
	}
	return s
}

func childrenSpan(n ast.Node) (span, bool) {
	s := span{-1, -1}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok {
			continue
		}
		if s.start < 0 {
			s.start = t.Segment.Start
		}
		s.end = t.Segment.Stop
	}
	return s, s.start >= 0
}

// spanAt returns the index of the span holding off, or -1.
func spanAt(spans []span, off int) int {
	i := sort.Search(len(spans), func(i int) bool { return spans[i].end > off })
	if i < len(spans) && spans[i].start <= off {
		return i
	}
	return -1
}
