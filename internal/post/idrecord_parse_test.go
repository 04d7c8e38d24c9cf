package post

import (
	"encoding/json"
	"maps"
	"testing"
)

// TestParseIDs checks the fast record reader against encoding/json: what
// it accepts it reads the same, and it refuses the rest.
func TestParseIDs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"as saved", "{\n  \"a.md\": \"tag:x,2026-01-01:/a\",\n  \"b/c.md\": \"urn:b\"\n}\n", true},
		{"empty", "{}", true},
		{"empty spaced", " {\n}\n", true},
		{"compact", `{"a":"1","b":"2"}`, true},
		{"non-ascii", `{"café.md":"urn:é"}`, true},
		{"duplicate key: last wins", `{"a":"1","a":"2"}`, true},
		{"escape", `{"a\"b":"1"}`, false},
		{"unicode escape", `{"a":"\u00e9"}`, false},
		{"number", `{"a":1}`, false},
		{"null", `null`, false},
		{"trailing comma", `{"a":"1",}`, false},
		{"trailing text", `{"a":"1"} x`, false},
		{"unclosed", `{"a":"1"`, false},
		{"unclosed string", `{"a":"1}`, false},
		{"control character", "{\"a\":\"1\t\"}", false},
		{"invalid utf-8", "{\"a\":\"\xff\"}", false},
		{"missing colon", `{"a" "1"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			if ok := parseIDs(tt.in, got); ok != tt.ok {
				t.Fatalf("parseIDs(%q) = %v, want %v", tt.in, ok, tt.ok)
			}
			if !tt.ok {
				return
			}
			want := map[string]string{}
			if err := json.Unmarshal([]byte(tt.in), &want); err != nil {
				t.Fatalf("encoding/json refuses what parseIDs read: %v", err)
			}
			if !maps.Equal(got, want) {
				t.Errorf("parseIDs read %v, encoding/json %v", got, want)
			}
		})
	}
}
