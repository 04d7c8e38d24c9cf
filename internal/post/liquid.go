package post

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// maxIncludeDepth bounds nested Liquid includes (an include of itself).
const maxIncludeDepth = 5

var (
	endRaw          = liquidEnd("endraw")
	endCommentTag   = liquidEnd("endcomment")
	endHighlightTag = liquidEnd("endhighlight")
)

func liquidEnd(name string) *regexp.Regexp {
	return regexp.MustCompile(`\{%-?\s*` + name + `\s*-?%\}`)
}

// liquidTag handles a Liquid tag {% name args %} at off.
func (x *expander) liquidTag(off int) int {
	n := tagEnd(x.src[off+2:], "%}")
	if n < 0 {
		x.out.WriteString("&#123;")
		return 1
	}
	size := 2 + n + 2
	inner := strings.TrimSpace(strings.Trim(string(x.src[off+2:off+2+n]), "-"))
	name, rest := word(inner)
	switch name {
	case "raw":
		return x.raw(off, size)
	case "comment":
		if loc := endCommentTag.FindIndex(x.src[off+size:]); loc != nil {
			return size + loc[1]
		}
	case "highlight":
		return x.highlight(off, size, rest, endHighlightTag)
	case "link":
		x.out.WriteString(x.env.linkTo(strings.TrimSpace(rest)))
		return size
	case "post_url":
		if x.env.refs != nil {
			x.noteRef(off, "liquid post_url", strings.TrimSpace(rest))
		}
		x.out.WriteString(cmpOr(x.env.find(strings.TrimSpace(rest)), x.env.base+"/"))
		return size
	case "include", "include_relative":
		if s, ok := x.include(name, rest); ok {
			x.out.Write(s)
			return size
		}
	}
	switch {
	case name == "else" || name == "elsif" || name == "when" || strings.HasPrefix(name, "end"):
	default:
		x.drop(off, "liquid", name)
		// An embedding plugin's tag ({% oembed URL %}) keeps its URL as a link.
		if a := parseArgs(rest); len(a.pos) > 0 && (strings.HasPrefix(a.pos[0], "https://") || strings.HasPrefix(a.pos[0], "http://")) {
			x.out.WriteString(link(a.pos[0], a.pos[0]))
		}
	}
	return size
}

// raw writes what lies between {% raw %} and {% endraw %} as text: markers
// outside code become entities, code is kept as is.
func (x *expander) raw(off, size int) int {
	start := off + size
	loc := endRaw.FindIndex(x.src[start:])
	if loc == nil {
		return size
	}
	for i := start; i < start+loc[0]; i++ {
		if x.src[i] == '{' && spanAt(x.code, i) < 0 && i+1 < len(x.src) && (x.src[i+1] == '{' || x.src[i+1] == '%') {
			x.out.WriteString("&#123;")
			continue
		}
		x.out.WriteByte(x.src[i])
	}
	return size + loc[1]
}

// include reads a Jekyll include (from _includes, or beside the post for
// include_relative) and expands it with its parameters.
func (x *expander) include(tag, rest string) ([]byte, bool) {
	a := parseArgs(rest)
	if len(a.pos) == 0 || x.env.depth >= maxIncludeDepth || x.env.site == nil {
		return nil, false
	}
	file := x.env.evalArg(a.pos[0])
	dir := x.env.site.Includes
	if tag == "include_relative" {
		dir = x.env.postDir
	}
	if dir == "" || file == "" || strings.Contains("/"+file+"/", "/../") {
		return nil, false
	}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path.Clean(file))))
	if err != nil {
		return nil, false
	}
	sub := *x.env
	sub.depth++
	sub.includes = map[string]string{}
	for k, v := range a.named {
		sub.includes[k] = x.env.evalArg(v)
	}
	out, found := sub.expand(data, 0)
	x.found = append(x.found, found...)
	return out, true
}

// liquidOutput handles {{ expression }} at off: in a Jekyll site always,
// elsewhere only {{ site.KEY }} and {{ page.KEY }}.
func (x *expander) liquidOutput(off int) int {
	n := tagEnd(x.src[off+2:], "}}")
	if n < 0 {
		x.out.WriteByte('{')
		return 1
	}
	expr := strings.TrimSpace(strings.Trim(string(x.src[off+2:off+2+n]), "-"))
	if x.env.site.generator() != Jekyll && !strings.HasPrefix(expr, "site.") && !strings.HasPrefix(expr, "page.") {
		x.out.WriteByte('{')
		return 1
	}
	x.out.WriteString(x.env.eval(expr))
	return 2 + n + 2
}

// eval evaluates a Liquid output expression: a quoted string or a variable
// (site.*, page.*, include.*), then the filters relative_url and
// absolute_url; other filters are skipped. An unknown variable is empty,
// as in Liquid.
func (env *expandEnv) eval(expr string) string {
	parts := strings.Split(expr, "|")
	v := env.evalArg(strings.TrimSpace(parts[0]))
	for _, f := range parts[1:] {
		switch name, _ := word(strings.TrimSpace(f)); name {
		case "relative_url":
			v = env.basePath() + "/" + strings.TrimPrefix(v, "/")
		case "absolute_url":
			v = env.base + "/" + strings.TrimPrefix(v, "/")
		}
	}
	return v
}

// evalArg is a quoted string's text, or a variable's value.
func (env *expandEnv) evalArg(s string) string {
	if s == "" {
		return ""
	}
	if s[0] == '"' || s[0] == '\'' {
		w, _ := word(s)
		return w
	}
	key := strings.ToLower(s)
	switch {
	case strings.HasPrefix(key, "site."):
		return env.siteVars()[key[len("site."):]]
	case strings.HasPrefix(key, "page."):
		return env.page[key[len("page."):]]
	case strings.HasPrefix(key, "include."):
		return env.includes[s[len("include."):]]
	}
	if v, ok := env.includes[s]; ok {
		return v
	}
	return s
}

func (env *expandEnv) siteVars() map[string]string {
	if env.site == nil {
		return nil
	}
	return env.site.Vars
}

// basePath is the path of the base URL ("" or "/blog").
func (env *expandEnv) basePath() string {
	rest := env.base
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return ""
}

// linkTo is the URL of {% link path %}: the post at that path, else the
// URL Jekyll gives a page by default (a collection's file under its name
// without "_", another page as .html).
func (env *expandEnv) linkTo(p string) string {
	p = env.evalArg(p)
	if u := env.find(p); u != "" {
		return u
	}
	p = strings.TrimPrefix(p, "/")
	ext := path.Ext(p)
	if strings.HasPrefix(p, "_") {
		return env.base + "/" + strings.TrimSuffix(p[1:], ext) + "/"
	}
	if ext == ".md" || ext == ".markdown" {
		p = strings.TrimSuffix(p, ext) + ".html"
	}
	return env.base + "/" + p
}

// find is the permalink of the post a reference names, or "".
func (env *expandEnv) find(ref string) string {
	if env.targets != nil {
		*env.targets = append(*env.targets, strings.TrimSpace(ref))
	}
	if env.lookup == nil {
		return ""
	}
	return env.lookup(strings.TrimSpace(ref))
}
