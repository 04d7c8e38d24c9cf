package subscriber

import (
	"strings"
	"testing"
)

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
		{"too long", []string{"tag:" + strings.Repeat("x", MaxTopicLen)}, "", true},
		{"too many", make([]string, MaxTopics+1), "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckTopics(tc.in)
			if (err != nil) != tc.isErr || strings.Join(got, ",") != tc.want {
				t.Fatalf("CheckTopics = %v, %v", got, err)
			}
		})
	}
}
