package feed

import (
	"bytes"
	"encoding/xml"
	"path"
	"strings"
	"time"

	"github.com/gorilla/feeds"
	"github.com/heraldhq/herald/internal/post"
)

const (
	nsAtom    = "http://www.w3.org/2005/Atom"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	generator = "herald"
	rssDocs   = "https://www.rssboard.org/rss-specification"
)

// fileName is the name of format f's file inside a feed's folder.
func fileName(f string) string {
	switch f {
	case FormatRSS:
		return "rss.xml"
	case FormatAtom:
		return "atom.xml"
	}
	return "feed.json"
}

// rssDoc is gorilla's RssFeedXml with the atom and dc namespaces declared.
type rssDoc struct {
	XMLName   xml.Name `xml:"rss"`
	Version   string   `xml:"version,attr"`
	ContentNS string   `xml:"xmlns:content,attr"`
	AtomNS    string   `xml:"xmlns:atom,attr"`
	DCNS      string   `xml:"xmlns:dc,attr"`
	Channel   rssChannel
}

// rssChannel adds atom:link (self and hub) to gorilla's channel.
type rssChannel struct {
	feeds.RssFeed
	AtomLinks []rssAtomLink `xml:"atom:link"`
}

type rssAtomLink struct {
	XMLName xml.Name `xml:"atom:link"`
	Href    string   `xml:"href,attr"`
	Rel     string   `xml:"rel,attr"`
	Type    string   `xml:"type,attr,omitempty"`
}

// atomFeed adds xml:lang and several links (self, alternate, hub) to
// gorilla's feed.
type atomFeed struct {
	feeds.AtomFeed
	Lang  string           `xml:"xml:lang,attr,omitempty"`
	Links []feeds.AtomLink `xml:"link"`
}

// filePath is where format f of feed s goes.
func filePath(s *spec, f string) string { return path.Join(s.dir, fileName(f)) }

// modified is the newest Updated-or-Date among posts; zero when empty.
func modified(posts []*post.Post) time.Time {
	var t time.Time
	for _, p := range posts {
		if u := updated(p); u.After(t) {
			t = u
		}
	}
	return t
}

// renderFeed renders format f of feed s from its items. The bytes are
// appended to dst[:0], whose room is reused when it is large enough: pass
// nil for bytes of their own.
func (c *config) renderFeed(s *spec, f string, items []item, dst []byte) (File, error) {
	mod := modified(s.posts)
	file := File{Path: filePath(s, f)}
	var err error
	switch f {
	case FormatRSS:
		file.ContentType = TypeRSS
		file.Data, err = c.rssData(s, mod, items, dst)
	case FormatAtom:
		file.ContentType = TypeAtom
		file.Data, err = c.atomData(s, mod, items, dst)
	case FormatJSON:
		file.ContentType = TypeJSON
		file.Data, err = c.jsonData(s, items, dst)
	}
	return file, err
}

func (c *config) rssData(s *spec, mod time.Time, items []item, dst []byte) ([]byte, error) {
	ch := rssChannel{RssFeed: feeds.RssFeed{
		Title: clean(s.title), Link: c.site.BaseURL, Description: clean(s.description),
		Language: c.site.Language, Generator: generator, Docs: rssDocs,
	}}
	if ch.Description == "" {
		ch.Description = ch.Title
	}
	if !mod.IsZero() {
		ch.LastBuildDate = rfc822(mod)
	}
	if c.site.Icon != "" {
		ch.Image = &feeds.RssImage{Url: c.site.Icon, Title: ch.Title, Link: c.site.BaseURL}
	}
	self := filePath(s, FormatRSS)
	ch.AtomLinks = append(ch.AtomLinks, rssAtomLink{Href: c.selfURL(self), Rel: "self", Type: "application/rss+xml"})
	if c.site.Hub != "" {
		ch.AtomLinks = append(ch.AtomLinks, rssAtomLink{Href: c.site.Hub, Rel: "hub"})
	}
	doc := rssDoc{Version: "2.0", ContentNS: nsContent, AtomNS: nsAtom, DCNS: nsDC, Channel: ch}
	return c.spliceXML(dst, doc, self, "</channel>", items, func(it item) []byte { return it.rss })
}

func (c *config) atomData(s *spec, mod time.Time, items []item, dst []byte) ([]byte, error) {
	self := filePath(s, FormatAtom)
	selfURL := c.selfURL(self)
	doc := atomFeed{AtomFeed: feeds.AtomFeed{
		Xmlns: nsAtom, Title: clean(s.title), Id: selfURL, Updated: rfc3339(mod),
		Icon: c.site.Icon, Logo: c.site.Icon, Subtitle: clean(s.description),
	}, Lang: c.site.Language}
	author := feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: clean(c.site.Title), Uri: c.site.BaseURL}}
	if s.author != nil {
		author = atomAuthor(*s.author)
	}
	doc.Author = &author
	doc.Links = []feeds.AtomLink{
		{Href: selfURL, Rel: "self", Type: "application/atom+xml"},
		{Href: c.site.BaseURL, Rel: "alternate", Type: "text/html"},
	}
	if c.site.Hub != "" {
		doc.Links = append(doc.Links, feeds.AtomLink{Href: c.site.Hub, Rel: "hub"})
	}
	return c.spliceXML(dst, doc, self, "</feed>", items, func(it item) []byte { return it.atom })
}

// spliceXML marshals the feed header doc and inserts the pre-rendered items
// before the line holding closing, the header's last end tag, appending
// to dst[:0].
func (c *config) spliceXML(dst []byte, doc any, self, closing string, items []item, pick func(item) []byte) ([]byte, error) {
	head, err := xmlIndent(doc, "")
	if err != nil {
		return nil, err
	}
	at := bytes.LastIndex(head, []byte(closing))
	at = bytes.LastIndexByte(head[:at], '\n') + 1
	buf := bytes.NewBuffer(dst[:0])
	buf.Grow(len(head) + 256 + itemsLen(items, pick))
	buf.WriteString(xml.Header)
	if c.xsl != nil {
		buf.WriteString(`<?xml-stylesheet type="text/xsl" href="` + stylesheetHref(self) + `"?>` + "\n")
	}
	buf.Write(head[:at])
	for _, it := range items {
		buf.Write(pick(it))
	}
	buf.Write(head[at:])
	return buf.Bytes(), nil
}

// stylesheetHref is the path from the feed at self to style.xsl, relative so
// that it works whatever host the feed is fetched from.
func stylesheetHref(self string) string {
	return strings.Repeat("../", strings.Count(self, "/")) + StylesheetPath
}

func itemsLen(items []item, pick func(item) []byte) int {
	n := 0
	for _, it := range items {
		n += len(pick(it)) + 2
	}
	return n
}

func (c *config) jsonData(s *spec, items []item, dst []byte) ([]byte, error) {
	self := c.selfURL(filePath(s, FormatJSON))
	doc := feeds.JSONFeed{
		Version: "https://jsonfeed.org/version/1.1", Title: clean(s.title),
		Language: c.site.Language, HomePageUrl: c.site.BaseURL, FeedUrl: self,
		Description: clean(s.description), Icon: c.site.Icon, Favicon: c.site.Icon,
	}
	if s.author != nil {
		doc.Authors = []*feeds.JSONAuthor{{Name: clean(displayName(*s.author)), Url: s.author.URL}}
	}
	if c.site.Hub != "" {
		doc.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: c.site.Hub}}
	}
	head, err := jsonIndent(doc, "")
	if err != nil {
		return nil, err
	}
	head = bytes.TrimSuffix(head, []byte("\n}"))
	buf := bytes.NewBuffer(dst[:0])
	buf.Grow(len(head) + 32 + itemsLen(items, func(it item) []byte { return it.json }))
	buf.Write(head)
	buf.WriteString(",\n  \"items\": [")
	for i, it := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		buf.Write(it.json)
	}
	buf.WriteString("\n  ]\n}\n")
	return buf.Bytes(), nil
}
