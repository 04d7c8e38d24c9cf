package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/gorilla/feeds"
	"github.com/heraldhq/herald/internal/post"
)

// contentFunc gives a post's HTML body and plain-text summary. The default
// calls the post's own lazy methods; tests substitute fixed content.
type contentFunc func(p *post.Post) (html, summary string)

func postContent(p *post.Post) (string, string) { return p.ContentHTML(), p.Summary() }

// item is one post rendered once per format, ready to be spliced into any
// feed that lists it. A nil slice means the format is off.
type item struct {
	rss, atom, json []byte
}

// rssItem adds to gorilla's item what it lacks: several categories and
// dc:creator for authors whose email stays private.
type rssItem struct {
	feeds.RssItem
	Categories []string `xml:"category"`
	Creators   []string `xml:"dc:creator"`
}

// atomEntry adds several authors and categories with a term attribute, which
// RFC 4287 requires (gorilla writes the tag as element text).
type atomEntry struct {
	feeds.AtomEntry
	Categories []atomCategory     `xml:"category"`
	Authors    []feeds.AtomAuthor `xml:"author"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// updated is the time a post last changed: Updated, else Date.
func updated(p *post.Post) time.Time {
	if p.Updated.After(p.Date) {
		return p.Updated
	}
	return p.Date
}

func (c *config) renderItem(p *post.Post, content contentFunc) (item, error) {
	html, summary := content(p)
	html, summary = clean(html), clean(summary)
	var it item
	var err error
	for _, f := range c.formats {
		switch f {
		case FormatRSS:
			it.rss, err = xmlIndent(rssItemOf(p, html, summary), "    ")
		case FormatAtom:
			it.atom, err = xmlIndent(atomEntryOf(p, html, summary), "  ")
		case FormatJSON:
			it.json, err = jsonIndent(jsonItemOf(p, html, summary), "    ")
		}
		if err != nil {
			return item{}, fmt.Errorf("rendering %s item %q: %w", f, p.ID, err)
		}
	}
	return it, nil
}

func rssItemOf(p *post.Post, html, summary string) *rssItem {
	it := &rssItem{RssItem: feeds.RssItem{
		Title:       clean(p.Title),
		Link:        clean(p.Permalink),
		Description: summary,
		Guid:        &feeds.RssGuid{Id: clean(p.ID), IsPermaLink: "false"},
		PubDate:     rfc822(p.Date),
	}}
	if p.ID == p.Permalink && p.ID != "" {
		it.Guid.IsPermaLink = ""
	}
	if html != "" {
		it.Content = &feeds.RssContent{Content: html}
	}
	it.Categories = cleanAll(terms(p))
	if len(p.Authors) == 1 && p.Authors[0].ShowEmail && p.Authors[0].Email != "" {
		a := p.Authors[0]
		it.Author = clean(fmt.Sprintf("%s (%s)", a.Email, a.Name))
		return it
	}
	for _, a := range p.Authors {
		it.Creators = append(it.Creators, clean(displayName(a)))
	}
	return it
}

// terms are what an item's categories (JSON Feed: tags) list: the post's
// tags, then its categories (Jekyll and Hugo have both) that are not also
// tags. Only tags make feeds of their own.
func terms(p *post.Post) []string {
	if len(p.Categories) == 0 {
		return p.Tags
	}
	out := slices.Clone(p.Tags)
	for _, c := range p.Categories {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func atomEntryOf(p *post.Post, html, summary string) *atomEntry {
	e := &atomEntry{AtomEntry: feeds.AtomEntry{
		Title:     clean(p.Title),
		Id:        atomID(clean(p.ID)),
		Updated:   rfc3339(updated(p)),
		Published: rfc3339(p.Date),
		Links:     []feeds.AtomLink{{Href: clean(p.Permalink), Rel: "alternate", Type: "text/html"}},
	}}
	if summary != "" {
		e.Summary = &feeds.AtomSummary{Content: summary, Type: "text"}
	}
	if html != "" {
		e.Content = &feeds.AtomContent{Content: html, Type: "html"}
	}
	for _, t := range terms(p) {
		e.Categories = append(e.Categories, atomCategory{Term: clean(t)})
	}
	for _, a := range p.Authors {
		e.Authors = append(e.Authors, atomAuthor(a))
	}
	return e
}

func atomAuthor(a post.Author) feeds.AtomAuthor {
	person := feeds.AtomPerson{Name: clean(displayName(a)), Uri: clean(a.URL)}
	if a.ShowEmail {
		person.Email = clean(a.Email)
	}
	return feeds.AtomAuthor{AtomPerson: person}
}

func jsonItemOf(p *post.Post, html, summary string) *feeds.JSONItem {
	it := &feeds.JSONItem{
		Id:            clean(p.ID),
		Url:           clean(p.Permalink),
		Title:         clean(p.Title),
		ContentHTML:   html,
		Summary:       summary,
		PublishedDate: &p.Date,
		Tags:          cleanAll(terms(p)),
	}
	if p.Updated.After(p.Date) {
		it.ModifiedDate = &p.Updated
	}
	for _, a := range p.Authors {
		it.Authors = append(it.Authors, &feeds.JSONAuthor{Name: clean(displayName(a)), Url: clean(a.URL)})
	}
	return it
}

// atomID returns id when it is an absolute IRI, as RFC 4287 requires, and
// otherwise a urn built from it, so the Atom id is still stable.
func atomID(id string) string {
	if u, err := url.Parse(id); err == nil && u.Scheme != "" {
		return id
	}
	return "urn:herald:" + url.PathEscape(id)
}

func displayName(a post.Author) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Key
}

func cleanAll(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}

// xmlIndent marshals v indented by two spaces, each line starting with prefix.
func xmlIndent(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	enc.Indent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// jsonIndent marshals v indented by two spaces, each line starting with
// prefix, without escaping <, > and & (JSON does not need it).
func jsonIndent(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(prefix)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
