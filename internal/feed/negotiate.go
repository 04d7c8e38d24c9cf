package feed

import (
	"strconv"
	"strings"
)

// TypeBrowserXML is the content type under which browsers apply style.xsl.
const TypeBrowserXML = "application/xml; charset=utf-8"

// NegotiateType returns the content type to send for a file of type
// contentType to a client whose Accept header is accept. Chromium shows
// application/rss+xml and application/atom+xml as source text and never runs
// their stylesheet, so an RSS or Atom file requested by a browser goes out
// as application/xml, which every browser styles with style.xsl. A browser
// is a client whose Accept lists text/html above the file's own type:
// browsers never name a feed type, while feed readers that accept HTML too,
// to find a feed from a page (Miniflux, FreshRSS's SimplePie), name the
// feed's type at least as high. Every other client, and every other file,
// gets contentType unchanged.
func NegotiateType(contentType, accept string) string {
	if contentType != TypeRSS && contentType != TypeAtom || !strings.Contains(strings.ToLower(accept), "text/html") {
		return contentType // most feed readers: no parsing on their every poll
	}
	own, _, _ := strings.Cut(contentType, ";")
	var html, feed float64 // their q values, 0 when not named
	for part := range strings.SplitSeq(accept, ",") {
		media, params, _ := strings.Cut(part, ";")
		switch media = strings.TrimSpace(media); {
		case strings.EqualFold(media, "text/html"):
			html = max(html, quality(params))
		case strings.EqualFold(media, own):
			feed = max(feed, quality(params))
		}
	}
	if html > 0 && html > feed {
		return TypeBrowserXML
	}
	return contentType
}

// quality returns the q value in the parameters of one media range of an
// Accept header ("q=0.8; level=1"), 1 without a valid one.
func quality(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				return q
			}
		}
	}
	return 1
}
