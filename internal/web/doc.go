// Package web is herald's HTTP side: one http.Handler that serves the feeds
// from memory, the home page, the subscriber flow (subscribe, confirm,
// preferences, unsubscribe with RFC 8058 one-click) and the operational
// endpoints /healthz and /metrics.
//
// # Routes
//
// The route table lives in one function, routes (routes.go). Every handler
// is a file named verb-object (subscribe_submit.go holds submitSubscribe).
//
// A path a route answers with other methods gets 405 with Allow; any other
// unknown path a 404.
//
// # Feeds
//
// serveFeed answers /feeds/ from the files of SetFeeds (the HTML view at
// /feeds/ itself). Last-Modified is File.Modified, the time the file's
// bytes last changed; each representation (identity or gzip, the feed type
// or the browser's application/xml) has its own strong ETag; and
// If-None-Match, when present, decides alone (RFC 9110 13.2.2). RSS and Atom
// carry a Content-Security-Policy that lets the same-origin style.xsl run.
//
// # State changes
//
// GET never changes state: mail scanners follow links. Confirming,
// unsubscribing and saving preferences are POSTs to a URL carrying a signed
// token (subscriber.Signer), so the token doubles as the CSRF token. POST
// /subscribe carries no token; it accepts cross-origin posts only from
// Options.FormOrigins, which lets an operator paste the form into a Hugo or
// Jekyll site.
//
// # Privacy and abuse
//
// POST /subscribe answers the same page (or JSON) whether the address is
// new, pending, active or unsubscribed. It is rate limited per client IP
// and per normalised address, refuses bodies over Options.MaxBodyBytes with
// 413, and treats a filled honeypot field ("website") as a success that
// stores and sends nothing.
//
// # Run-time updates
//
// SetFeeds, SetPosts, SetSite and SetOptions swap immutable snapshots
// atomically; they are safe to call while requests are being served.
package web
