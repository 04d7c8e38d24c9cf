package web

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
)

// seriesCount scrapes /metrics and counts the samples of the HTTP request
// metrics (every line naming herald_http_).
func (e *env) seriesCount(t *testing.T) int {
	t.Helper()
	_, body := e.do(t, "GET", "/metrics", nil, nil)
	n := 0
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "herald_http_") {
			n++
		}
	}
	return n
}

// randomToken returns n letters, upper case for methods.
func randomToken(rng *rand.Rand, n int, upper bool) string {
	letters := "abcdefghijklmnopqrstuvwxyz0123456789"
	if upper {
		letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rng.IntN(len(letters))]
	}
	return string(b)
}

// randomRequests sends n requests with made-up methods and paths, under
// every route and none.
func (e *env) randomRequests(t *testing.T, rng *rand.Rand, n int) {
	t.Helper()
	prefixes := []string{"/", "/feeds/", "/confirm/", "/unsubscribe/", "/preferences/", "/static/", "/x/y/"}
	methods := []string{"GET", "HEAD", "POST", "PUT", "DELETE"}
	for i := 0; i < n; i++ {
		method := methods[rng.IntN(len(methods))]
		if rng.IntN(2) == 0 {
			method = randomToken(rng, 3+rng.IntN(8), true)
		}
		path := prefixes[rng.IntN(len(prefixes))] + randomToken(rng, 1+rng.IntN(12), false)
		e.do(t, method, path, nil, nil)
	}
}

func TestMetricsSeriesBounded(t *testing.T) {
	e := newEnv(t, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	e.randomRequests(t, rng, 300) // every method class meets every route
	before := e.seriesCount(t)
	e.randomRequests(t, rng, 1000)
	if after := e.seriesCount(t); after != before {
		t.Fatalf("1,000 made-up methods and paths grew the HTTP series from %d to %d", before, after)
	}
	_, body := e.do(t, "GET", "/metrics", nil, nil)
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(line, "herald_http_requests_total{") {
			continue
		}
		i := strings.Index(line, `method="`)
		m, _, _ := strings.Cut(line[i+len(`method="`):], `"`)
		if m != http.MethodGet && m != http.MethodHead && m != http.MethodPost && m != "OTHER" {
			t.Errorf("method label %q outside GET, HEAD, POST, OTHER: %s", m, line)
		}
	}
}
