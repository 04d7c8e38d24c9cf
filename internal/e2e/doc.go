// Package e2e holds tests that run the herald binary itself, `herald
// serve` with its real headers and file watcher, against clients nobody
// here wrote: headless Chromium, newsboat, Python's feedparser and Miniflux
// (on a database of its own in HERALD_TEST_POSTGRES). It has no code of
// its own.
//
// The tests skip, saying how to enable them, when a program is missing,
// and fail instead under CI=true, where .ci/run installs them.
package e2e
