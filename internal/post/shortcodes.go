package post

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// args are a shortcode's or tag's arguments: positional ones in order and
// named ones (key=value or key="value") by key.
type args struct {
	pos   []string
	named map[string]string
}

// get returns the named argument key, else the positional one at i (-1
// for none).
func (a args) get(key string, i int) string {
	if v, ok := a.named[key]; ok {
		return v
	}
	if i >= 0 && i < len(a.pos) {
		return a.pos[i]
	}
	return ""
}

// parseArgs splits s into words: bare, "double-quoted" (with backslash
// escapes), 'single-quoted' or `raw`; word=value pairs are named.
func parseArgs(s string) args {
	a := args{named: map[string]string{}}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(s, " \t\r\n") {
		key := ""
		if i := strings.IndexAny(s, "= \t\r\n\"'`"); i > 0 && s[i] == '=' {
			key, s = s[:i], strings.TrimLeft(s[i+1:], " \t")
		}
		var v string
		v, s = word(s)
		if key != "" {
			a.named[key] = v
		} else {
			a.pos = append(a.pos, v)
		}
	}
	return a
}

// word reads one quoted or bare word from the start of s.
func word(s string) (w, rest string) {
	if s == "" {
		return "", ""
	}
	switch q := s[0]; q {
	case '"', '\'', '`':
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			switch {
			case s[i] == q:
				return b.String(), s[i+1:]
			case s[i] == '\\' && q == '"' && i+1 < len(s):
				i++
			}
			b.WriteByte(s[i])
		}
		return b.String(), ""
	}
	i := strings.IndexAny(s, " \t\r\n")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// tagEnd returns the offset in b of end, skipping quoted strings, or -1.
func tagEnd(b []byte, end string) int {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"' || c == '`' || c == '\'':
			j := bytes.IndexByte(b[i+1:], c)
			if j < 0 || bytes.IndexByte(b[i+1:i+1+j], '\n') >= 0 && c != '`' {
				continue // an apostrophe in text, not a quote
			}
			i += j + 1
		case bytes.HasPrefix(b[i:], []byte(end)):
			return i
		}
	}
	return -1
}

// shortcode handles a Hugo shortcode at off: {{< name args >}} or
// {{% name args %}}, self-closing with "/>}}", or a closing {{< /name >}}.
func (x *expander) shortcode(off int) int {
	end := string(closer(x.src[off+2])) + "}}"
	n := tagEnd(x.src[off+3:], end)
	if n < 0 {
		x.out.WriteString("&#123;")
		return 1
	}
	size := 3 + n + len(end)
	body := strings.TrimSpace(string(x.src[off+3 : off+3+n]))
	body = strings.TrimSpace(strings.TrimSuffix(body, "/"))
	if name, ok := strings.CutPrefix(body, "/"); ok {
		x.closeShortcode(strings.TrimSpace(name))
		return size
	}
	name, rest := word(body)
	a := parseArgs(rest)
	if render, ok := shortcodes[name]; ok {
		if (name == "ref" || name == "relref") && x.env.refs != nil {
			x.noteRef(off, "shortcode "+name, a.get("path", 0))
		}
		x.out.WriteString(render(x, a))
		return size
	}
	switch name {
	case "highlight":
		return x.highlight(off, size, a.get("lang", 0), endHighlight)
	case "details":
		if endDetails.Match(x.src[off+size:]) {
			x.pending = append(x.pending, name)
			x.out.WriteString("<details" + attrIf(a.get("open", -1) == "true", " open") + "><summary>" +
				htmlEscapeText(cmpOr(a.get("summary", -1), "Details")) + "</summary>\n\n")
			return size
		}
	case "comment":
		if loc := endComment.FindIndex(x.src[off+size:]); loc != nil {
			return size + loc[1]
		}
	}
	if strings.HasSuffix(name, ".inline") { // an inline shortcode: its inner content is a template
		x.drop(off, "shortcode", name)
		if loc := shortcodeEnd(regexp.QuoteMeta(name)).FindIndex(x.src[off+size:]); loc != nil {
			return size + loc[1]
		}
		return size
	}
	x.drop(off, "shortcode", name)
	return size
}

// closeShortcode writes the end of a known paired shortcode; the end of an
// unknown one is removed.
func (x *expander) closeShortcode(name string) {
	if k := len(x.pending) - 1; k >= 0 && x.pending[k] == name {
		x.pending = x.pending[:k]
		x.out.WriteString("\n\n</details>")
	}
}

// The ends of the paired shortcodes: {{< /name >}} or {{% /name %}}.
var (
	endHighlight = shortcodeEnd("highlight")
	endDetails   = shortcodeEnd("details")
	endComment   = shortcodeEnd("comment")
)

func shortcodeEnd(name string) *regexp.Regexp {
	return regexp.MustCompile(`\{\{[<%]\s*/` + name + `\s*[>%]\}\}`)
}

// highlight writes the code between the tag at off (size bytes long) and
// the end that re matches as a fenced code block in lang; without an end
// the tag is dropped.
func (x *expander) highlight(off, size int, lang string, re *regexp.Regexp) int {
	loc := re.FindIndex(x.src[off+size:])
	if loc == nil {
		x.drop(off, "shortcode", "highlight")
		return size
	}
	code := x.src[off+size : off+size+loc[0]]
	x.out.WriteString(fenced(code, lang))
	return size + loc[1]
}

// fenced returns code as a fenced code block on lines of its own, with a
// fence longer than any run of backticks in it.
func fenced(code []byte, lang string) string {
	code = bytes.Trim(code, "\r\n")
	fence := "```"
	for bytes.Contains(code, []byte(fence)) {
		fence += "`"
	}
	lang, _, _ = strings.Cut(strings.TrimSpace(lang), " ")
	return "\n\n" + fence + strings.Trim(lang, "`~") + "\n" + string(code) + "\n" + fence + "\n\n"
}

// shortcodes are the self-closing Hugo shortcodes herald renders, by name.
var shortcodes map[string]func(*expander, args) string

func init() {
	shortcodes = map[string]func(*expander, args) string{
		"figure":    figure,
		"youtube":   youtube,
		"vimeo":     vimeo,
		"x":         tweet,
		"tweet":     tweet,
		"twitter":   tweet,
		"gist":      gist,
		"instagram": instagram,
		"ref":       ref,
		"relref":    ref,
		"param":     param,
	}
	shortcodes["vimeo_simple"] = vimeo
	shortcodes["twitter_simple"] = tweet
}

func figure(x *expander, a args) string {
	var b strings.Builder
	b.WriteString("<figure" + attr("class", a.get("class", -1)) + ">")
	link := a.get("link", -1)
	if link != "" {
		b.WriteString("<a" + attr("href", link) + attr("target", a.get("target", -1)) + attr("rel", a.get("rel", -1)) + ">")
	}
	alt := cmpOr(a.get("alt", -1), a.get("caption", -1))
	b.WriteString("<img" + attr("src", a.get("src", 0)) + attr("alt", alt) + attr("width", a.get("width", -1)) + attr("height", a.get("height", -1)) + ">")
	if link != "" {
		b.WriteString("</a>")
	}
	title, caption, credit := a.get("title", -1), a.get("caption", -1), a.get("attr", -1)
	if title+caption+credit != "" {
		b.WriteString("<figcaption>")
		if title != "" {
			b.WriteString("<h4>" + htmlEscapeText(title) + "</h4>")
		}
		if caption+credit != "" {
			b.WriteString("<p>" + htmlEscapeText(caption))
			if al := a.get("attrlink", -1); al != "" {
				b.WriteString("<a" + attr("href", al) + ">" + htmlEscapeText(credit) + "</a>")
			} else {
				b.WriteString(htmlEscapeText(credit))
			}
			b.WriteString("</p>")
		}
		b.WriteString("</figcaption>")
	}
	return b.String() + "</figure>"
}

func youtube(x *expander, a args) string {
	id := a.get("id", 0)
	thumb := "https://i.ytimg.com/vi/" + url.PathEscape(id) + "/hqdefault.jpg"
	return "<a" + attr("href", "https://www.youtube.com/watch?v="+url.QueryEscape(id)) + "><img" + attr("src", thumb) +
		attr("alt", cmpOr(a.get("title", -1), "YouTube video "+id)) + "></a>"
}

func vimeo(x *expander, a args) string {
	id := a.get("id", 0)
	return link("https://vimeo.com/"+url.PathEscape(id), cmpOr(a.get("title", -1), "Vimeo video "+id))
}

func tweet(x *expander, a args) string {
	user, id := a.get("user", -1), a.get("id", 0)
	if len(a.pos) == 2 && user == "" {
		user, id = a.pos[0], a.pos[1]
	}
	if user == "" { // x.com/i/status/ID redirects to the author's
		return link("https://x.com/i/status/"+url.PathEscape(id), "Post on X")
	}
	return link("https://x.com/"+url.PathEscape(user)+"/status/"+url.PathEscape(id), "Post by @"+user+" on X")
}

func gist(x *expander, a args) string {
	user, id, file := a.get("user", 0), a.get("id", 1), a.get("file", 2)
	u := "https://gist.github.com/" + url.PathEscape(user) + "/" + url.PathEscape(id)
	text := "Gist " + user + "/" + id
	if file != "" {
		u += "#file-" + strings.ReplaceAll(strings.ToLower(file), ".", "-")
		text += " (" + file + ")"
	}
	return link(u, text)
}

func instagram(x *expander, a args) string {
	id := a.get("id", 0)
	return link("https://www.instagram.com/p/"+url.PathEscape(id)+"/", "Instagram post "+id)
}

// ref gives the absolute URL of the post a ref or relref names (with its
// #fragment); a name matching no post gives the site's home page.
func ref(x *expander, a args) string {
	target := a.get("path", 0)
	path, frag, _ := strings.Cut(target, "#")
	u := x.env.permalink
	if path != "" {
		u = cmpOr(x.env.find(path), x.env.base+"/")
	}
	if frag != "" {
		u += "#" + frag
	}
	return u
}

// param gives a front matter value (params.KEY, else KEY), else the site's
// (params.KEY, else KEY).
func param(x *expander, a args) string {
	k := strings.ToLower(a.get("key", 0))
	for _, m := range []map[string]string{x.env.page, x.env.siteVars()} {
		if v, ok := m["params."+k]; ok {
			return v
		}
		if v, ok := m[k]; ok {
			return v
		}
	}
	return ""
}

func link(href, text string) string {
	return "<a" + attr("href", href) + ">" + htmlEscapeText(text) + "</a>"
}

// attr is ` key="value"`, or "" for an empty value.
func attr(key, value string) string {
	if value == "" {
		return ""
	}
	return fmt.Sprintf(` %s="%s"`, key, htmlEscapeText(value))
}

func attrIf(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// noteRef notes a reference to another post (not a #fragment of this one)
// for Library to check once every post is read.
func (x *expander) noteRef(off int, kind, target string) {
	if path, _, _ := strings.Cut(target, "#"); path != "" {
		*x.env.refs = append(*x.env.refs, Directive{Line: x.line(off), Name: kind + " " + target})
	}
}
