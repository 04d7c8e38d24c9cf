// Package feed turns published posts into RSS 2.0, Atom 1.0 and JSON Feed 1.1
// files and writes them atomically.
//
// # Layout
//
// Paths are relative to the output folder, which the web server serves at
// <PublicURL>/feeds/<path>; every self link points there.
//
//	rss.xml, atom.xml, feed.json                  the whole site
//	tags/<tag-slug>/rss.xml|atom.xml|feed.json    one tag (Options.PerTag)
//	authors/<author-key>/rss.xml|atom.xml|...     one author (Options.PerAuthor)
//	style.xsl                                     the browser stylesheet (Site.Stylesheet)
//
// A tag slug is the tag in lower case, letters and digits of any script kept
// and every other run of characters turned into one dash ("Go Tips!" becomes
// "go-tips"); tags with the same slug share a feed. Only the formats named in
// Options.Formats are written. Each feed holds the newest Options.Limit posts.
//
// # What the feeds contain
//
// Items carry the post's stable ID (RSS guid with isPermaLink="false" unless
// the ID is the permalink; Atom id, made a urn when the ID is not an absolute
// IRI; JSON Feed id), the permalink, title, plain-text summary, full HTML
// content, the publication date, the last modification (Post.Updated), every
// tag as a category and every author (RSS: <author> with the email only for a
// single author whose email is shown, otherwise dc:creator). Feeds carry the
// site title, description, language and icon, a self link, an alternate link
// to the blog, and a WebSub rel="hub" link when Site.Hub is set. The feed
// dates (RSS lastBuildDate, Atom updated) are the newest item's
// Updated-or-Date, never the clock, so an unchanged input gives the same
// bytes. Characters XML forbids are removed from every text.
//
// # Building and writing
//
// Build renders everything once. A Builder keeps the last output and
// re-renders only the feeds whose post list changed and only the items of new
// or changed posts (posts are compared by pointer, since post.Library gives a
// changed file a new *post.Post); items and feeds render on all cores. When a
// few posts were edited without changing their tags, authors or order, the
// Builder patches its last selection instead of sorting the whole corpus into
// feeds again, so a rebuild costs what the edit touches. Write
// or a Writer put the files on disk through a temporary file and a rename,
// skip files whose bytes did not change, and remove the feeds that are no
// longer produced.
//
// # Serving
//
// Chromium shows application/rss+xml and application/atom+xml as source text
// and never applies style.xsl; NegotiateType gives browsers (clients whose
// Accept header lists text/html) application/xml instead, and feed readers
// the proper feed types.
package feed
