package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestRefusedFormKeepsWhatWasTyped checks that a subscribe form refused
// for a bad field comes back filled in, escaped, so that the person fixes
// one field instead of typing everything again.
func TestRefusedFormKeepsWhatWasTyped(t *testing.T) {
	e := newEnv(t, nil)
	res, body := e.postForm(t, "/subscribe", url.Values{
		"email": {"ann@example.org"}, "name": {`Ann "<Lee>" ` + strings.Repeat("x", 100)}, "topics": {"tag:go", "author:ana"},
	})
	if res.StatusCode != 400 {
		t.Fatalf("status %d, want 400:\n%s", res.StatusCode, body)
	}
	for _, want := range []string{
		`value="ann@example.org"`,
		`value="Ann &#34;&lt;Lee&gt;&#34; ` + strings.Repeat("x", 100) + `"`,
		`<input type="hidden" name="topics" value="tag:go">`,
		`<input type="hidden" name="topics" value="author:ana">`,
		"the name is longer than 100 characters",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %s:\n%s", want, body)
		}
	}
	if _, body := e.do(t, "GET", "/confirm/x", nil, nil); strings.Contains(body, `name="email"`) {
		t.Errorf("another error page shows the subscribe form:\n%s", body)
	}
}
