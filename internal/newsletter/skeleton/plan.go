// Package skeleton renders an email's templates once for many readers.
//
// An issue renders the same posts for thousands of subscribers, and only a
// few values of the templates' data differ between them: the reader's name
// and address and their two links. When the templates use those values only
// to print them (escaped for where they stand) or to test them in an {{if}},
// a send renders the templates once per group (a topic set) and per
// combination of empty and set values: a skeleton. Each message then fills
// the skeleton's holes with the subscriber's values, escaped as the
// templates would have escaped them. Templates that use the values another
// way (a comparison, a function, {{with}}, a variable, a call to another
// template), or print them where the package cannot name the escaping, get
// no Plan: the caller renders them whole for every message. Either way a
// message has the same bytes (skeleton_test.go checks this against whole
// renders).
package skeleton

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"text/template/parse"
)

// shape is which of values are set, as a bit set, and stand-in values
// with the same shape for rendering the skeleton.
func shape(values []string) (bits byte, standIns []string) {
	standIns = make([]string, len(values))
	for i, s := range values {
		if s != "" {
			bits |= 1 << i
			standIns[i] = "set"
		}
	}
	return bits, standIns
}

// hole is one action that prints a reader value.
type hole struct {
	field  int                          // index in the plan's fields
	html   bool                         // in the HTML template
	mark   string                       // what the hole's function returns
	probe  string                       // what the action printed for mark
	escape func(string) (string, error) // nil: printed as it is (text templates)
}

// Templates are an email's three templates. The subject is rendered
// before the skeleton and must not use the reader's values.
type Templates struct {
	HTML    *htmltemplate.Template
	Text    *texttemplate.Template
	Subject *texttemplate.Template
}

// Plan renders a set of Templates once per skeleton. holes are numbered
// across the HTML and the text template alike. A Plan is safe for
// concurrent use.
type Plan struct {
	html   *htmltemplate.Template
	text   *texttemplate.Template
	fields [][]string // the reader values' paths in the data
	holes  []hole
	tag    string // starts every mark: random, so no post contains it
}

// New returns the plan for t, or nil and the reason when the templates do
// not allow one. fields are the paths of the reader values in the data, as
// templates write them after the dot or $ (at most 8: {"Subscriber",
// "Name"}, {"UnsubscribeURL"}); funcs are the templates' functions; sample
// is data the HTML template can be executed on (its output is discarded).
func New(t Templates, fields [][]string, funcs map[string]any, sample any) (*Plan, string) {
	p := &Plan{fields: fields, tag: "hx" + randomHex() + "h"}
	if uses, reason := p.readerUses(t.Subject.Tree); uses != 0 || reason != "" {
		return nil, "the subject uses the subscriber, or may"
	}
	if len(t.HTML.Templates()) != 1 || len(t.Text.Templates()) != 1 {
		return nil, "the templates define other templates"
	}
	htmlTree, err := p.rewrite(t.HTML.Tree, true)
	if err != nil {
		return nil, err.Error()
	}
	textTree, err := p.rewrite(t.Text.Tree, false)
	if err != nil {
		return nil, err.Error()
	}
	if p.html, err = htmltemplate.New(t.HTML.Name()).Funcs(funcs).Funcs(p.funcs()).AddParseTree(t.HTML.Name(), htmlTree); err != nil {
		return nil, err.Error()
	}
	if p.text, err = texttemplate.New(t.Text.Name()).Funcs(funcs).Funcs(p.funcs()).AddParseTree(t.Text.Name(), textTree); err != nil {
		return nil, err.Error()
	}
	if reason := p.learnEscaping(sample); reason != "" {
		return nil, reason
	}
	return p, ""
}

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// holePrefix starts the names of the hole functions.
const holePrefix = "heraldHole"

func (p *Plan) holeFunc(i int) string { return holePrefix + strconv.Itoa(i) }

func (p *Plan) funcs() map[string]any {
	m := map[string]any{}
	for i, h := range p.holes {
		m[p.holeFunc(i)] = func() string { return h.mark }
	}
	return m
}

// rewrite returns a copy of tree whose actions printing a reader value
// call a hole function instead, after checking that the tree uses reader
// values no other way.
func (p *Plan) rewrite(tree *parse.Tree, html bool) (*parse.Tree, error) {
	if _, reason := p.readerUses(tree); reason != "" {
		return nil, errors.New(reason)
	}
	cp := tree.Copy()
	walkActions(cp.Root, func(a *parse.ActionNode) {
		if f, ok := p.soleReaderRef(a.Pipe); ok {
			i := len(p.holes)
			p.holes = append(p.holes, hole{field: f, html: html, mark: p.tag + strconv.Itoa(i) + "z"})
			a.Pipe.Cmds[0].Args[0] = parse.NewIdentifier(p.holeFunc(i)).SetPos(a.Position())
		}
	})
	return cp, nil
}

// learnEscaping executes the HTML template once, which makes html/template
// add its escaping to every action, and finds for each HTML hole a function
// that escapes a value the same way.
func (p *Plan) learnEscaping(sample any) string {
	// The data only needs to let the escaper run; errors past that point
	// do not matter here and are met again when an issue renders.
	err := p.html.Execute(io.Discard, sample)
	if p.html.Tree == nil { // html/template refused to escape it
		return fmt.Sprintf("the HTML template cannot be escaped: %v", err)
	}
	chains := map[string]string{}
	walkActions(p.html.Tree.Root, func(a *parse.ActionNode) {
		if name, ok := identOf(a.Pipe.Cmds[0]); ok && strings.HasPrefix(name, holePrefix) {
			chains[name] = escaperChain(a.Pipe.Cmds[1:])
		}
	})
	for i := range p.holes {
		if !p.holes[i].html {
			continue
		}
		chain, ok := chains[p.holeFunc(i)]
		if !ok {
			return fmt.Sprintf("hole %d was not escaped", i)
		}
		esc, ok := htmlEscapers()[chain]
		if !ok {
			return fmt.Sprintf("no known escaping for %q", chain)
		}
		p.holes[i].escape = esc
	}
	for i := range p.holes {
		h := &p.holes[i]
		h.probe = h.mark
		if h.escape != nil {
			probe, err := h.escape(h.mark)
			if err != nil || !strings.Contains(probe, h.mark) {
				return fmt.Sprintf("escaping %q hides it", h.mark)
			}
			h.probe = probe
		}
	}
	return ""
}

// skeleton is one rendering of an issue's templates with marks in place of
// the reader values.
type skeleton struct {
	subject    string
	html, text filling
}

// filling is a rendered template cut at its holes: parts[0], the value of
// holes[0], parts[1], and so on.
type filling struct {
	parts []string
	holes []int
	size  int
}

// skeleton renders the templates for d, whose reader values are marks of
// whether the subscriber's are set; subject is already rendered.
func (p *Plan) skeleton(d any, subject string) (*skeleton, error) {
	sk := &skeleton{subject: subject}
	var buf strings.Builder
	if err := p.html.Execute(&buf, d); err != nil {
		return nil, err
	}
	var err error
	if sk.html, err = p.cut(buf.String(), true); err != nil {
		return nil, err
	}
	buf.Reset()
	if err := p.text.Execute(&buf, d); err != nil {
		return nil, err
	}
	if sk.text, err = p.cut(buf.String(), false); err != nil {
		return nil, err
	}
	return sk, nil
}

// cut splits out at the holes' probes.
func (p *Plan) cut(out string, html bool) (filling, error) {
	var f filling
	for rest := out; ; {
		at := strings.Index(rest, p.tag)
		if at < 0 {
			f.parts = append(f.parts, rest)
			f.size += len(rest)
			return f, nil
		}
		num, _, ok := strings.Cut(rest[at+len(p.tag):], "z")
		i, err := strconv.Atoi(num)
		if !ok || err != nil || i >= len(p.holes) || p.holes[i].html != html {
			return filling{}, fmt.Errorf("unknown hole at %q", rest[at:min(len(rest), at+40)])
		}
		h := p.holes[i]
		start := at - strings.Index(h.probe, h.mark)
		if start < 0 || !strings.HasPrefix(rest[start:], h.probe) {
			return filling{}, fmt.Errorf("hole %d not printed as %q", i, h.probe)
		}
		f.parts = append(f.parts, rest[:start])
		f.size += start
		f.holes = append(f.holes, i)
		rest = rest[start+len(h.probe):]
	}
}

// fill writes f with the holes filled from v, escaping them as needed.
func (p *Plan) fill(f *filling, v []string) (string, error) {
	var b strings.Builder
	b.Grow(f.size + 256)
	for k, part := range f.parts {
		b.WriteString(part)
		if k == len(f.holes) {
			break
		}
		h := p.holes[f.holes[k]]
		val := v[h.field]
		if h.escape != nil {
			var err error
			if val, err = h.escape(val); err != nil {
				return "", err
			}
		}
		b.WriteString(val)
	}
	return b.String(), nil
}

// Cache holds one send's skeletons by group and shape, at most Max: the
// messages of groups past that are rendered whole. The zero value is an
// empty cache; it is safe for concurrent use.
type Cache struct {
	mu sync.Mutex
	m  map[string]*skeleton
}

// Max is the most skeletons a Cache keeps.
const Max = 1024

// Len is how many skeletons c holds.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// get returns the skeleton of key, or nil and whether there is room to
// add it.
func (s *Cache) get(key string) (sk *skeleton, room bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sk = s.m[key]
	return sk, sk == nil && len(s.m) < Max
}

func (s *Cache) put(key string, sk *skeleton) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*skeleton{}
	}
	if len(s.m) < Max {
		s.m[key] = sk
	}
}

// Render renders the templates for a reader with values (in the order of
// the plan's fields): it fills the skeleton of group (the posts the reader
// gets, say) and of which values are set, rendering it first, on first use,
// for the data that data returns for stand-in values of the same shape,
// with its subject already rendered. ok is false when p is nil, the cache
// is full or a render failed: the caller then renders whole, and meets the
// error there if there was one.
func (p *Plan) Render(c *Cache, group string, values []string,
	data func(standIns []string) (d any, subject string, err error)) (subject, html, text string, ok bool) {
	if p == nil {
		return "", "", "", false
	}
	sk := p.skeletonFor(c, group, values, data)
	if sk == nil {
		return "", "", "", false
	}
	var err error
	if html, err = p.fill(&sk.html, values); err != nil {
		return "", "", "", false
	}
	if text, err = p.fill(&sk.text, values); err != nil {
		return "", "", "", false
	}
	return sk.subject, html, text, true
}

// skeletonFor returns the skeleton of group for values' shape from c,
// rendering it on first use; nil when it cannot be had.
func (p *Plan) skeletonFor(c *Cache, group string, values []string,
	data func(standIns []string) (any, string, error)) *skeleton {
	bits, standIns := shape(values)
	key := string(rune('a'+bits)) + group
	sk, room := c.get(key)
	if sk != nil || !room {
		return sk
	}
	d, subject, err := data(standIns)
	if err != nil {
		return nil
	}
	if sk, err = p.skeleton(d, subject); err != nil {
		return nil
	}
	c.put(key, sk)
	return sk
}
