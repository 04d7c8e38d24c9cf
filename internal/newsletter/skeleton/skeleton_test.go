package skeleton

import (
	"fmt"
	htmltemplate "html/template"
	"strings"
	"testing"
	texttemplate "text/template"
)

// The tests render through skeletons and whole, with data shaped like the
// newsletter's, and compare the bytes.

type reader struct{ Name, Email string }

type item struct{ Title string }

type data struct {
	Subject        string
	Subscriber     reader
	UnsubscribeURL string
	PreferencesURL string
	Posts          []item
}

// fields are the reader values' paths in data.
var fields = [][]string{{"Subscriber", "Name"}, {"Subscriber", "Email"}, {"UnsubscribeURL"}, {"PreferencesURL"}}

func dataFor(values []string, posts []item) *data {
	return &data{Subscriber: reader{Name: values[0], Email: values[1]}, UnsubscribeURL: values[2],
		PreferencesURL: values[3], Posts: posts}
}

// readers are subscribers whose values need escaping in every way.
var readers = [][]string{
	{"Ann", "ann@example.com", "https://blog.example.com/unsubscribe?t=abc", "https://blog.example.com/preferences?t=abc"},
	{"", "bob+news@example.com", "https://blog.example.com/unsubscribe?t=d%2Fe", "https://blog.example.com/p?t=1&x=2"},
	{`<script>alert("x")</script> & 'co'`, `"odd"@example.com`, "javascript:alert(1)", "/relative path?q=a b"},
	{"Zoë Ångström 山田", "zoe@例え.jp", "", "https://blog.example.com/p?t=é"},
	{"a}b{c;d:e/*f*/", "x@y", "https://blog.example.com/u?t=</script>", "data:text/html,<b>"},
}

var posts = []item{{"One & <two>"}, {`"Quoted"`}}

// set is a set of templates and the plan New made of them.
type set struct {
	t    Templates
	plan *Plan
	why  string
}

func newSet(t testing.TB, html, text, subject string) *set {
	t.Helper()
	funcs := map[string]any{"join": strings.Join}
	s := &set{t: Templates{
		HTML:    htmltemplate.Must(htmltemplate.New("newsletter.html").Funcs(funcs).Parse(html)),
		Text:    texttemplate.Must(texttemplate.New("newsletter.txt").Funcs(funcs).Parse(text)),
		Subject: texttemplate.Must(texttemplate.New("subject").Funcs(funcs).Parse(subject)),
	}}
	s.plan, s.why = New(s.t, fields, funcs, &data{Posts: []item{{}}})
	return s
}

// whole renders the three templates for d the plain way.
func (s *set) whole(d *data) (subject, html, text string, err error) {
	var b strings.Builder
	if err := s.t.Subject.Execute(&b, d); err != nil {
		return "", "", "", err
	}
	d.Subject = b.String()
	b.Reset()
	if err := s.t.HTML.Execute(&b, d); err != nil {
		return "", "", "", err
	}
	html = b.String()
	b.Reset()
	err = s.t.Text.Execute(&b, d)
	return d.Subject, html, b.String(), err
}

// render renders for values and posts through the cache, or whole when the
// plan says no, as the newsletter does.
func (s *set) render(c *Cache, group string, values []string, ps []item) (subject, html, text string, err error) {
	subject, html, text, ok := s.plan.Render(c, group, values, func(standIns []string) (any, string, error) {
		d := dataFor(standIns, ps)
		subj, _, _, err := s.whole(d)
		return d, subj, err
	})
	if ok {
		return subject, html, text, nil
	}
	return s.whole(dataFor(values, ps))
}

// renderBoth renders for every reader through the skeleton and whole and
// fails on any difference.
func (s *set) renderBoth(t *testing.T) {
	t.Helper()
	c := &Cache{}
	for g, ps := range [][]item{posts, posts[1:]} {
		for _, v := range readers {
			got := [3]string{}
			var err error
			got[0], got[1], got[2], err = s.render(c, fmt.Sprint(g), v, ps)
			if err != nil {
				t.Fatalf("render for %q: %v", v[0], err)
			}
			want := [3]string{}
			want[0], want[1], want[2], err = s.whole(dataFor(v, ps))
			if err != nil {
				t.Fatalf("whole render for %q: %v", v[0], err)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("part %d for %q:\n%s\nwhole render:\n%s", i, v[0], got[i], want[i])
				}
			}
		}
	}
}

// everyContext is an HTML template printing each reader value in every
// context html/template knows, and testing them.
func everyContext() string {
	var html strings.Builder
	for _, c := range escapeContexts {
		for _, field := range []string{".Subscriber.Name", "$.Subscriber.Email", ".UnsubscribeURL", ".PreferencesURL"} {
			html.WriteString(c[0] + "{{" + field + "}}" + c[1] + "\n")
		}
	}
	html.WriteString("{{range .Posts}}<p>{{.Title}} for {{$.Subscriber.Name}}</p>{{end}}\n")
	html.WriteString("{{if .Subscriber.Name}}<p>Hi {{.Subscriber.Name}}</p>{{else if .UnsubscribeURL}}x{{else}}<p>Hi</p>{{end}}")
	return html.String()
}

const everyText = "{{if .Subscriber.Name}}{{.Subscriber.Name}}{{end}} <{{.Subscriber.Email}}> {{.UnsubscribeURL}}"

// TestSkeletonEscapesLikeTheTemplate puts reader values in every context
// html/template knows, so that a hole filled with the wrong escaping shows.
func TestSkeletonEscapesLikeTheTemplate(t *testing.T) {
	s := newSet(t, everyContext(), everyText, "{{(index .Posts 0).Title}}")
	if s.plan == nil {
		t.Fatalf("no skeleton for templates that only print and test reader values: %s", s.why)
	}
	if len(s.plan.holes) != 4*len(escapeContexts)+2+3 { // every context, the range and the if; the text
		t.Errorf("%d holes, want one per printed reader value", len(s.plan.holes))
	}
	s.renderBoth(t)
}

// TestSkeletonNotUsedWhenTemplatesUseTheReader checks that templates
// using reader values beyond printing and testing them get no plan.
func TestSkeletonNotUsedWhenTemplatesUseTheReader(t *testing.T) {
	const plain = "{{.UnsubscribeURL}}"
	tests := []struct {
		name, html, text, subject string
	}{
		{"comparison", `{{if eq .Subscriber.Name "Ann"}}<p>Ann!</p>{{end}}`, plain, ""},
		{"function", `<p>{{printf "%.3s" .Subscriber.Name}}</p>`, plain, ""},
		{"pipeline", `<p>{{.Subscriber.Email | urlquery}}</p>`, plain, ""},
		{"with", `{{with .Subscriber}}<p>{{.Name}}</p>{{end}}`, plain, ""},
		{"variable", `{{$n := .Subscriber.Name}}<p>{{$n}}</p>`, plain, ""},
		{"whole data", `{{$d := .}}<p>{{$d.Subscriber.Name}}</p>`, plain, ""},
		{"whole reader", `<p>{{.Subscriber}}</p>`, plain, ""},
		{"other template", `{{define "n"}}<b>{{.}}</b>{{end}}{{template "n" .Subscriber.Name}}`, plain, ""},
		{"text template", `<p>{{.Subscriber.Name}}</p>`, `{{len .Subscriber.Email}}`, ""},
		{"subject", `<title>{{.Subject}}</title>`, plain, `News for {{.Subscriber.Name}}`},
		{"subject with", `<title>{{.Subject}}</title>`, plain, `News{{with .Subscriber}} for {{.Name}}{{end}}`},
		{"chain", `<p>{{(.Subscriber).Name}}</p>`, plain, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSet(t, tt.html, tt.text, tt.subject)
			if s.plan != nil {
				t.Errorf("templates got a skeleton plan with %d holes; want whole renders", len(s.plan.holes))
			}
			if s.why == "" {
				t.Error("no reason given for rendering whole")
			}
			s.renderBoth(t)
		})
	}
}

func FuzzSkeletonMatchesWholeRender(f *testing.F) {
	for _, v := range readers {
		f.Add(v[0], v[1], v[2])
	}
	s := newSet(f, everyContext(), everyText, "News")
	c := &Cache{}
	f.Fuzz(func(t *testing.T, name, email, link string) {
		v := []string{name, email, link, link + "&p=1"}
		subj, html, text, err := s.render(c, "", v, posts)
		if err != nil {
			t.Fatal(err)
		}
		ws, wh, wt, err := s.whole(dataFor(v, posts))
		if err != nil {
			t.Fatal(err)
		}
		if subj != ws || html != wh || text != wt {
			t.Errorf("skeleton render differs from the whole render for %q %q %q", name, email, link)
		}
	})
}

// TestSkeletonsStopAtTheirLimit renders more groups than a Cache keeps
// skeletons for: the ones past the limit render whole, and right.
func TestSkeletonsStopAtTheirLimit(t *testing.T) {
	s := newSet(t, everyContext(), everyText, "News")
	c := &Cache{}
	v := readers[0]
	for g := range Max + 50 {
		ps := []item{{fmt.Sprint("Post ", g)}}
		_, html, _, err := s.render(c, fmt.Sprint(g), v, ps)
		if err != nil {
			t.Fatal(err)
		}
		if _, want, _, _ := s.whole(dataFor(v, ps)); html != want {
			t.Fatalf("group %d renders differently from the whole render", g)
		}
	}
	if got := c.Len(); got != Max {
		t.Errorf("%d skeletons kept, want the limit, %d", got, Max)
	}
}
