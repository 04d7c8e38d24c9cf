package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html/template"
	"io"
	"testing"

	"github.com/heraldhq/herald/internal/post"
)

// FuzzBuild feeds arbitrary titles, tags, bodies and summaries through
// Build and requires well-formed XML, valid JSON and the title intact (less
// what XML forbids) in every format.
func FuzzBuild(f *testing.F) {
	f.Add("Fish & <Chips>", "go", "<p>x ]]> y</p>", "sum")
	f.Add("مرحبا\x00", "عربي", "\x07<![CDATA[", "]]>")
	f.Add("\xff\xfe", "", "", "\uFFFE")
	f.Fuzz(func(t *testing.T, title, tag, html, summary string) {
		p := &post.Post{ID: "tag:example.com,2026:x", Title: title, Tags: []string{tag},
			Date: utc("2026-11-20T09:00:00Z"), Permalink: "https://example.com/x/", Authors: []post.Author{omar}}
		fx := fixture{posts: []*post.Post{p}, content: map[string][2]string{p.ID: {html, summary}}}
		for _, file := range buildFixture(t, fx) {
			checkWellFormed(t, file, clean(title))
		}
	})
}

func checkWellFormed(t *testing.T, f File, title string) {
	t.Helper()
	if f.Path == IndexPath {
		if !bytes.Contains(f.Data, []byte(template.HTMLEscapeString(title))) {
			t.Fatalf("%s: the title %q is not there, escaped", f.Path, title)
		}
		return
	}
	if f.ContentType == TypeJSON {
		var doc struct{ Items []struct{ Title string } }
		if err := json.Unmarshal(f.Data, &doc); err != nil || len(doc.Items) != 1 || doc.Items[0].Title != title {
			t.Fatalf("%s: invalid JSON or title lost (%v): %s", f.Path, err, f.Data)
		}
		return
	}
	dec := xml.NewDecoder(bytes.NewReader(f.Data))
	titles := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed: %v\n%s", f.Path, err, f.Data)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "title" {
			var s string
			if err := dec.DecodeElement(&s, &se); err != nil {
				t.Fatalf("%s: reading a title: %v", f.Path, err)
			}
			titles += boolToInt(s == title)
		}
	}
	if f.Path != StylesheetPath && titles == 0 {
		t.Fatalf("%s: no title reads back as %q", f.Path, title)
	}
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
