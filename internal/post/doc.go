// Package post reads a folder of Markdown posts, as Hugo and Jekyll write
// them, into immutable Post values, and keeps that set current as files
// change.
//
// # Files
//
// A post is a .md (or .markdown) file anywhere under Options.Dir, or a
// bundle folder holding index.md. Hidden files and folders (a name starting
// with ".") and Hugo's _index.md section pages are skipped. Front matter is
// YAML between "---" lines or TOML between "+++" lines; a file without
// front matter is a Problem (Hugo's longer "------" opener is accepted).
// Keys (case-insensitive; others are ignored):
//
//	title                  required; plain text
//	date                   required unless publishDate or the file name gives it
//	publishdate            a later one dates the post (pubdate, published)
//	expirydate             the post is no longer published from then (unpublishdate)
//	lastmod                Post.Updated (else modified, updated, last_modified_at)
//	author, authors        names, declared in Options.Authors or not; also params.author
//	tag, tags              a list; a string is split on white space, tag wins (Jekyll)
//	category, categories   the same, as Jekyll reads them
//	summary, description   the summary (summary wins)
//	draft                  true or false (also yes/no, on/off); Jekyll's published: false
//	slug                   the URL slug, used as written
//	id                     the feed id, overriding the generated one
//
// A page that is not a post gives ErrNotPost and a Library leaves it out:
// type or layout "page", Hugo's headless or build options that keep it out
// of lists, an undated file directly in a Hugo site's content folder, a
// Jekyll file outside _posts or in _drafts (see Options.Site).
//
// Dates are RFC 3339, 2006-01-02, 2006-01-02 15:04 or
// 2006-01-02 15:04:05 -0700, or a native TOML date; a date without an offset
// is in Options.Location. A Jekyll file name 2026-11-25-some-slug.md gives
// the date and slug when the front matter has none. Otherwise the slug is
// the file name without extension, or the bundle's folder name, slugified.
//
// # Identity
//
// Post.ID is the front matter id, else an RFC 4151 tag URI from the base
// URL's host, the publication date and the slug:
// "tag:blog.example.com,2026-11-25:/some-slug". It does not change with the
// title, body, tags or file name, but does change with a new date or slug:
// an IDRecord remembers published ids and Check reports such changes with
// the fix.
//
// # Problems
//
// A file that cannot be read becomes a Problem, "path:line:col: what is
// wrong", pointing at the bad key, value or byte: broken front matter, a
// bad date, invalid UTF-8, a missing title or date. Other
// posts are unaffected. Characters XML forbids (C0 controls other than tab,
// newline and carriage return; U+FFFE, U+FFFF) are removed from every text
// field, never reported.
//
// # Rendering
//
// Parsing reads the front matter only (and checks that the whole file is
// UTF-8). ContentHTML (goldmark: GitHub Flavoured Markdown and footnotes,
// raw HTML kept) and Summary render on first use and cache the result, so a
// build renders only the posts its feeds show. A Library's Load keeps no
// file in memory: a post remembers where its body starts and the file's
// length and hash, and reads the body again when first rendered; if the
// file changed since it was parsed, the post renders an empty body rather
// than another version's (the watcher's Update gives a new Post for the
// new bytes). Posts parsed by Update, and by Parse, keep their body. Relative URLs (links, images,
// and the href, src, srcset and poster attributes of raw HTML, <noscript> included) become absolute,
// resolved against the post's permalink; fragment-only links too (footnotes), and an empty href is dropped.
//
// # Shortcodes and Liquid
//
// A body (or front matter summary) holding "{{" or "{%" is scanned for Hugo
// shortcodes and Liquid tags outside code (fenced, indented and inline code
// keep their text exactly); other posts cost nothing more. Hugo's figure
// becomes a <figure>, youtube a linked thumbnail, vimeo, x, tweet, gist and
// instagram links, highlight a fenced code block, ref and relref the
// post's absolute URL, param a front matter or site value, details a
// <details> element; both {{< >}} and {{% %}}, positional and named
// arguments, self-closing and paired. Liquid's link, post_url, highlight,
// raw (kept as text), comment, include, {{ site.KEY }} and {{ page.KEY }}
// work likewise (other {{ }} output only in a Jekyll site). Any other
// shortcode or tag is removed with its markers, keeping what it encloses,
// and listed in Post.Unsupported with its line. No "{{<", "{{%" or "{%"
// is ever left outside code: an opener without its end becomes text.
//
// # Library
//
// A Library loads the folder with one parser per GOMAXPROCS and applies
// Update for the files a watcher reports. Snapshot returns an immutable
// view, replaced whole on each change (copy-on-write), so readers never
// lock and never see half an update.
package post
