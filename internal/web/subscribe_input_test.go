package web

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzSubscribeValidate checks that whatever validate accepts is safe to
// put into mail headers: no control characters in the address or the
// name, and topics of the documented shape.
func FuzzSubscribeValidate(f *testing.F) {
	f.Add("a@example.org", "Ada", "tag:go")
	f.Add("a@example.org\r\nBcc: b@example.org", "Ada", "tag:go")
	f.Add("a@example.org", "Ada\u2028\r\n", "author:x")
	f.Add(" A@Example.ORG ", "", "")
	f.Fuzz(func(t *testing.T, email, name, topic string) {
		in := subscribeInput{Email: email, Name: name, Topics: []string{topic}}
		if err := in.validate(); err != nil {
			return
		}
		if strings.IndexFunc(in.Email+in.Name, unicode.IsControl) >= 0 {
			t.Fatalf("accepted control characters: %q %q", in.Email, in.Name)
		}
		if in.emailKey == "" || strings.ToLower(in.emailKey) != in.emailKey {
			t.Fatalf("bad key %q for %q", in.emailKey, in.Email)
		}
		for _, tp := range in.Topics {
			if !strings.HasPrefix(tp, "tag:") && !strings.HasPrefix(tp, "author:") {
				t.Fatalf("accepted topic %q", tp)
			}
		}
	})
}
