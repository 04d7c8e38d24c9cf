package feed

import (
	"mime"
	"strings"
)

// TypeBrowserXML is the content type under which browsers apply style.xsl.
const TypeBrowserXML = "application/xml; charset=utf-8"

// NegotiateType returns the content type to send for a file of type
// contentType to a client whose Accept header is accept. Chromium shows
// application/rss+xml and application/atom+xml as source text and never runs
// their stylesheet, so an RSS or Atom file requested by a browser (an Accept
// header that lists text/html) goes out as application/xml, which every
// browser styles with style.xsl. Feed readers, which do not ask for
// text/html, get contentType unchanged, as does every other file.
func NegotiateType(contentType, accept string) string {
	if contentType != TypeRSS && contentType != TypeAtom || !strings.Contains(strings.ToLower(accept), "text/html") {
		return contentType // feed readers: no parsing on their every poll
	}
	for _, part := range strings.Split(accept, ",") {
		media, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && media == "text/html" && params["q"] != "0" {
			return TypeBrowserXML
		}
	}
	return contentType
}
