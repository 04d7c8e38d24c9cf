package post

import (
	"encoding/json"
	"testing"
)

func TestMarshalIDsMatchesEncodingJSON(t *testing.T) {
	tests := map[string]map[string]string{
		"empty": {},
		"plain": {"posts/b.md": "tag:blog.example.com,2024-01-02:/b", "posts/a.md": "urn:uuid:1", "ünï/çødé.md": "日本"},
		"escaped": {
			`q"uote.md`: `back\slash`, "tab\there.md": "nl\nid", "<html>&.md": "a>b", "ctl\x01.md": "\x7f",
			"bad\xffutf8.md": "sep\u2028line\u2029", "": "",
		},
	}
	for name, ids := range tests {
		t.Run(name, func(t *testing.T) {
			want, err := json.MarshalIndent(ids, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if got := marshalIDs(ids); string(got) != string(want) {
				t.Errorf("marshalIDs:\n%s\nencoding/json:\n%s", got, want)
			}
		})
	}
}

func FuzzMarshalIDs(f *testing.F) {
	f.Add("posts/a.md", "tag:x,2024:/a", "b.md", "id")
	f.Add("<a>", "\u2028", "\xff", `"\`)
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		ids := map[string]string{k1: v1, k2: v2}
		want, err := json.MarshalIndent(ids, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if got := marshalIDs(ids); string(got) != string(want) {
			t.Errorf("marshalIDs:\n%q\nencoding/json:\n%q", got, want)
		}
	})
}
