package feed

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFeedValidatorRules checks, on every XML feed, rules the W3C Feed
// Validation Service warns about that a parser round trip does not catch:
// absolute URLs in links, four-digit-year RFC 822 dates in RSS, RFC 3339
// dates in Atom, and a self link in both.
func TestFeedValidatorRules(t *testing.T) {
	for _, f := range buildFixture(t, awkwardFixture()) {
		if !strings.HasSuffix(f.Path, ".xml") {
			continue
		}
		t.Run(f.Path, func(t *testing.T) {
			self := false
			walkXML(t, f.Data, func(name string, attrs map[string]string, text string) {
				if v, ok := attrs["href"]; ok {
					checkAbsoluteURL(t, name+"@href", v)
					self = self || attrs["rel"] == "self"
				}
				switch name {
				case "link", "url", "uri":
					if text != "" {
						checkAbsoluteURL(t, name, text)
					}
				case "pubDate", "lastBuildDate":
					if _, err := time.Parse(time.RFC1123Z, text); err != nil || !strings.Contains(text, " 20") {
						t.Errorf("%s %q is not RFC 822 with a four-digit year", name, text)
					}
				case "updated", "published":
					if _, err := time.Parse(time.RFC3339, text); err != nil {
						t.Errorf("%s %q is not RFC 3339", name, text)
					}
				}
			})
			if !self {
				t.Error("no link with rel=\"self\"")
			}
		})
	}
}

func checkAbsoluteURL(t *testing.T, what, raw string) {
	t.Helper()
	if u, err := url.Parse(raw); err != nil || !u.IsAbs() || u.Host == "" {
		t.Errorf("%s %q is not an absolute URL", what, raw)
	}
}

// walkXML calls fn for each element with its attributes and its text (the
// text only of elements without children).
func walkXML(t *testing.T, data []byte, fn func(name string, attrs map[string]string, text string)) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	type open struct {
		name  string
		attrs map[string]string
		text  strings.Builder
		kids  bool
	}
	var stack []*open
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v", err)
			}
			return
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) > 0 {
				stack[len(stack)-1].kids = true
			}
			o := &open{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				o.attrs[a.Name.Local] = a.Value
			}
			stack = append(stack, o)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(tok)
			}
		case xml.EndElement:
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			text := ""
			if !o.kids {
				text = strings.TrimSpace(o.text.String())
			}
			fn(o.name, o.attrs, text)
		}
	}
}
