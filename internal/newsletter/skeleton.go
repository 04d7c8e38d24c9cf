package newsletter

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

// An issue renders the same posts for thousands of subscribers, and only a
// few values of the templates' data differ between them: the reader's name
// and address and their two links. When the templates use those values only
// to print them (escaped for where they stand) or to test them in an {{if}},
// a send renders the templates once per topic set and per combination of
// empty and set values: a skeleton. Each message then fills the skeleton's
// holes with the subscriber's values, escaped as the templates would have
// escaped them. Templates that use the values another way (a comparison, a
// function, {{with}}, a variable, a call to another template), or print
// them where herald cannot name the escaping, are rendered whole for every
// message, as before. Either way a message has the same bytes
// (skeleton_test.go checks this against whole renders).

// readerField is one per-subscriber value of Data.
type readerField int

const (
	fieldName readerField = iota
	fieldEmail
	fieldUnsubscribe
	fieldPreferences
	readerFields
)

// readerPaths are the field paths of the readerFields, as templates write
// them after the dot or $.
var readerPaths = [readerFields][]string{
	{"Subscriber", "Name"}, {"Subscriber", "Email"}, {"UnsubscribeURL"}, {"PreferencesURL"},
}

// readerValues are one subscriber's readerFields.
type readerValues [readerFields]string

func (v *readerValues) set(d *Data) {
	d.Subscriber = Reader{Name: v[fieldName], Email: v[fieldEmail]}
	d.UnsubscribeURL, d.PreferencesURL = v[fieldUnsubscribe], v[fieldPreferences]
}

// shape is which of the values are set: all a skeleton's {{if}}s can see,
// as a bit set and as stand-in values for rendering the skeleton.
func (v *readerValues) shape() (bits byte, standIns readerValues) {
	for i, s := range v {
		if s != "" {
			bits |= 1 << i
			standIns[i] = "set"
		}
	}
	return bits, standIns
}

// hole is one action that prints a reader value.
type hole struct {
	field  readerField
	html   bool                         // in the HTML template
	mark   string                       // what the hole's function returns
	probe  string                       // what the action printed for mark
	escape func(string) (string, error) // nil: printed as it is (text templates)
}

// plan renders an issue's templates once per skeleton. holes are numbered
// across the HTML and the text template alike.
type plan struct {
	html  *htmltemplate.Template
	text  *texttemplate.Template
	holes []hole
	tag   string // starts every mark: random, so no post contains it
}

// newPlan returns the plan for the templates of t, or nil and the reason
// when they do not allow one.
func newPlan(t *templateSet) (*plan, string) {
	if uses, reason := readerUses(t.subject.Tree); uses != 0 || reason != "" {
		return nil, "the subject uses the subscriber, or may"
	}
	if len(t.html.Templates()) != 1 || len(t.text.Templates()) != 1 {
		return nil, "the templates define other templates"
	}
	p := &plan{tag: "hx" + randomHex() + "h"}
	htmlTree, err := p.rewrite(t.html.Tree, true)
	if err != nil {
		return nil, err.Error()
	}
	textTree, err := p.rewrite(t.text.Tree, false)
	if err != nil {
		return nil, err.Error()
	}
	if p.html, err = htmltemplate.New(t.html.Name()).Funcs(funcs()).Funcs(p.funcs()).AddParseTree(t.html.Name(), htmlTree); err != nil {
		return nil, err.Error()
	}
	if p.text, err = texttemplate.New(t.text.Name()).Funcs(funcs()).Funcs(p.funcs()).AddParseTree(t.text.Name(), textTree); err != nil {
		return nil, err.Error()
	}
	if reason := p.learnEscaping(); reason != "" {
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

func (p *plan) holeFunc(i int) string { return holePrefix + strconv.Itoa(i) }

func (p *plan) funcs() map[string]any {
	m := map[string]any{}
	for i, h := range p.holes {
		m[p.holeFunc(i)] = func() string { return h.mark }
	}
	return m
}

// rewrite returns a copy of tree whose actions printing a reader value
// call a hole function instead, after checking that the tree uses reader
// values no other way.
func (p *plan) rewrite(tree *parse.Tree, html bool) (*parse.Tree, error) {
	if _, reason := readerUses(tree); reason != "" {
		return nil, errors.New(reason)
	}
	cp := tree.Copy()
	walkActions(cp.Root, func(a *parse.ActionNode) {
		if f, ok := soleReaderRef(a.Pipe); ok {
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
func (p *plan) learnEscaping() string {
	// The data only needs to let the escaper run; errors past that point
	// do not matter here and are met again when an issue renders.
	err := p.html.Execute(io.Discard, &Data{Posts: []PostData{{}}})
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
func (p *plan) skeleton(d *Data, subject string) (*skeleton, error) {
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
func (p *plan) cut(out string, html bool) (filling, error) {
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
func (p *plan) fill(f *filling, v *readerValues) (string, error) {
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

// skeletons holds one send's skeletons by topic set and shape, at most
// maxSkeletons: the messages of topic sets past that are rendered whole.
type skeletons struct {
	mu sync.Mutex
	m  map[string]*skeleton
}

const maxSkeletons = 1024

// get returns the skeleton of key, or nil and whether there is room to
// add it.
func (s *skeletons) get(key string) (sk *skeleton, room bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sk = s.m[key]
	return sk, sk == nil && len(s.m) < maxSkeletons
}

func (s *skeletons) put(key string, sk *skeleton) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*skeleton{}
	}
	if len(s.m) < maxSkeletons {
		s.m[key] = sk
	}
}
