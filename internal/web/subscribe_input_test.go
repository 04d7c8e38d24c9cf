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

func TestCheckTopics(t *testing.T) {
	cases := []struct {
		name  string
		in    []string
		want  string
		isErr bool
	}{
		{"empty means all", nil, "", false},
		{"deduplicated and trimmed", []string{" tag:go", "tag:go", "", "author:ada"}, "tag:go,author:ada", false},
		{"unknown kind", []string{"category:x"}, "", true},
		{"empty value", []string{"tag:"}, "", true},
		{"control character", []string{"tag:a\x00"}, "", true},
		{"too long", []string{"tag:" + strings.Repeat("x", maxTopicLen)}, "", true},
		{"too many", make([]string, maxTopics+1), "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := checkTopics(tc.in)
			if (err != nil) != tc.isErr || strings.Join(got, ",") != tc.want {
				t.Fatalf("checkTopics = %v, %v", got, err)
			}
		})
	}
}
