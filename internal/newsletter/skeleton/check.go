package skeleton

import (
	"fmt"
	htmltemplate "html/template"
	"io"
	"slices"
	"strings"
	"sync"
	"text/template/parse"
)

// readerUses counts the actions and {{if}}s of tree that print or test a
// reader value, and gives the reason when tree uses one any other way, or
// could (the whole data passed on, another template called).
func (p *Plan) readerUses(tree *parse.Tree) (uses int, reason string) {
	u := &usage{p: p}
	u.list(tree.Root, true)
	return u.uses, u.reason
}

type usage struct {
	p      *Plan
	uses   int
	reason string
}

func (u *usage) fail(format string, args ...any) {
	if u.reason == "" {
		u.reason = fmt.Sprintf(format, args...)
	}
}

// list checks l; root tells whether the dot is the whole Data there.
func (u *usage) list(l *parse.ListNode, root bool) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			u.pipe(n.Pipe, root, true)
		case *parse.IfNode:
			u.pipe(n.Pipe, root, true)
			u.list(n.List, root)
			u.list(n.ElseList, root)
		case *parse.RangeNode:
			u.pipe(n.Pipe, root, false)
			u.list(n.List, false)
			u.list(n.ElseList, root)
		case *parse.WithNode:
			u.pipe(n.Pipe, root, false)
			u.list(n.List, false)
			u.list(n.ElseList, root)
		case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
		default:
			u.fail("%s calls another template", n)
		}
	}
}

// pipe checks p; sole tells whether p may be a lone reader value (what an
// action prints or an {{if}} tests).
func (u *usage) pipe(p *parse.PipeNode, root, sole bool) {
	if p == nil {
		return
	}
	if _, ok := u.p.soleReaderRef(p); ok && sole && (root || !isField(p.Cmds[0].Args[0])) {
		u.uses++
		return
	}
	for _, c := range p.Cmds {
		for _, arg := range c.Args {
			u.arg(arg, root)
		}
	}
}

func (u *usage) arg(n parse.Node, root bool) {
	switch n := n.(type) {
	case *parse.FieldNode:
		if u.p.mentionsReader(n.Ident) {
			u.fail("%s uses the subscriber other than to print or test it", n)
		}
	case *parse.VariableNode:
		if len(n.Ident) == 1 && n.Ident[0] == "$" {
			u.fail("$ passes the whole data on")
		} else if u.p.mentionsReader(n.Ident[1:]) {
			u.fail("%s uses the subscriber other than to print or test it", n)
		}
	case *parse.DotNode:
		if root {
			u.fail("the dot passes the whole data on")
		}
	case *parse.ChainNode:
		u.arg(n.Node, root)
		if u.p.mentionsReader(n.Field) {
			u.fail("%s uses the subscriber other than to print or test it", n)
		}
	case *parse.PipeNode:
		u.pipe(n, root, false)
	case *parse.IdentifierNode, *parse.BoolNode, *parse.NumberNode, *parse.StringNode, *parse.NilNode:
	default:
		u.fail("%s is not understood", n)
	}
}

func isField(n parse.Node) bool {
	_, ok := n.(*parse.FieldNode)
	return ok
}

// mentionsReader reports whether idents name a data field that holds a
// reader value.
func (p *Plan) mentionsReader(idents []string) bool {
	return slices.ContainsFunc(idents, func(s string) bool {
		return slices.ContainsFunc(p.fields, func(path []string) bool { return path[0] == s })
	})
}

// soleReaderRef reports whether p is one reader value and nothing else:
// .Subscriber.Name or $.Subscriber.Name, say.
func (p *Plan) soleReaderRef(pipe *parse.PipeNode) (int, bool) {
	if len(pipe.Decl) != 0 || len(pipe.Cmds) != 1 || len(pipe.Cmds[0].Args) != 1 {
		return 0, false
	}
	var path []string
	switch n := pipe.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		path = n.Ident
	case *parse.VariableNode:
		if n.Ident[0] != "$" {
			return 0, false
		}
		path = n.Ident[1:]
	default:
		return 0, false
	}
	for f, want := range p.fields {
		if slices.Equal(path, want) {
			return f, true
		}
	}
	return 0, false
}

// walkActions calls fn for every action of l, branches and loops included.
func walkActions(l *parse.ListNode, fn func(*parse.ActionNode)) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			fn(n)
		case *parse.IfNode:
			walkActions(n.List, fn)
			walkActions(n.ElseList, fn)
		case *parse.RangeNode:
			walkActions(n.List, fn)
			walkActions(n.ElseList, fn)
		case *parse.WithNode:
			walkActions(n.List, fn)
			walkActions(n.ElseList, fn)
		}
	}
}

// identOf returns the function a command calls when it is only that.
func identOf(c *parse.CommandNode) (string, bool) {
	if len(c.Args) != 1 {
		return "", false
	}
	id, ok := c.Args[0].(*parse.IdentifierNode)
	if !ok {
		return "", false
	}
	return id.Ident, true
}

// escaperChain names the functions html/template put after a printed value.
func escaperChain(cmds []*parse.CommandNode) string {
	names := make([]string, len(cmds))
	for i, c := range cmds {
		name, ok := identOf(c)
		if !ok {
			name = "?"
		}
		names[i] = name
	}
	return strings.Join(names, "|")
}

// escapeContexts are places a template can print a value, each as the text
// before and after it. html/template escapes a value by its context; a
// template of each context, executed, names the escaping it applies and
// applies it.
var escapeContexts = [][2]string{
	{"<p>", "</p>"},
	{"<title>", "</title>"},
	{"<textarea>", "</textarea>"},
	{`<a title="`, `">`}, {`<a title='`, `'>`}, {`<a title=`, `>`},
	{`<a href="`, `">`}, {`<a href='`, `'>`}, {`<a href=`, `>`},
	{`<a href="/p`, `">`}, {`<a href='/p`, `'>`}, {`<a href=/p`, `>`},
	{`<a href="/p?q=`, `">`}, {`<a href='/p?q=`, `'>`},
	{`<script>x=`, `</script>`}, {`<script>x="`, `"</script>`}, {`<script>x='`, `'</script>`},
	{`<a onclick="x=`, `">`}, {`<a onclick="x='`, `'">`},
	{`<style>p{color:`, `}</style>`}, {`<a style="color:`, `">`},
}

// htmlEscapers maps an escaper chain to a function applying it.
var htmlEscapers = sync.OnceValue(func() map[string]func(string) (string, error) {
	m := map[string]func(string) (string, error){}
	for _, c := range escapeContexts {
		t := htmltemplate.Must(htmltemplate.New("").Parse(c[0] + "{{.}}" + c[1]))
		if err := t.Execute(io.Discard, ""); err != nil {
			continue
		}
		chain := ""
		walkActions(t.Tree.Root, func(a *parse.ActionNode) { chain = escaperChain(a.Pipe.Cmds[1:]) })
		if _, seen := m[chain]; !seen {
			m[chain] = escaperIn(t, c[0], c[1])
		}
	}
	return m
})

// escaperIn returns what t prints for a value between before and after.
func escaperIn(t *htmltemplate.Template, before, after string) func(string) (string, error) {
	return func(v string) (string, error) {
		var b strings.Builder
		if err := t.Execute(&b, v); err != nil {
			return "", err
		}
		out, ok := strings.CutPrefix(b.String(), before)
		if out, ok2 := strings.CutSuffix(out, after); ok && ok2 {
			return out, nil
		}
		return "", fmt.Errorf("escaping %q printed %q", v, b.String())
	}
}
