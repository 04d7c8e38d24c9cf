package config

import (
	"strings"
	"testing"
)

func TestLocate(t *testing.T) {
	src := strings.Join([]string{
		`top = 1`,                            // 1
		`site.title = "dotted"`,              // 2
		`[ "server" ]`,                       // 3
		"\t\"listen\" = 'x = 1'",             // 4
		`list = [ "a", # ] comment`,          // 5
		`  "b]", { c = 1 },`,                 // 6
		`]`,                                  // 7
		`text = '''`,                         // 8
		`fake = 1 ]]`,                        // 9
		`'''`,                                // 10
		`after = "ok" # = not a key`,         // 11
		`[[vacation]]`,                       // 12
		`from = 1`,                           // 13
		`[[vacation]]`,                       // 14
		`  from   =   2`,                     // 15
		`[authors."a.b"]`,                    // 16
		`name = "x"`,                         // 17
		`rates = { "gmail.com" = 1, x = 2 }`, // 18
		`esc = "quote \" = [ still string"`,  // 19
		`next = 1`,                           // 20
	}, "\n")
	loc := locate(src)
	tests := []struct {
		key  string
		want pos
	}{
		{"top", pos{1, 1, 7}},
		{"site.title", pos{2, 1, 14}},
		{"site", pos{2, 1, 1}},
		{"server", pos{3, 1, 1}},
		{"server.listen", pos{4, 2, 13}},
		{"server.list", pos{5, 1, 8}},
		{"server.text", pos{8, 1, 8}},
		{"server.after", pos{11, 1, 9}},
		{"vacation[0].from", pos{13, 1, 8}},
		{"vacation[1]", pos{14, 1, 1}},
		{"vacation[1].from", pos{15, 3, 14}},
		{"authors.a.b.name", pos{17, 1, 8}},
		{"authors.a.b.rates", pos{18, 1, 9}},
		{"authors.a.b.next", pos{20, 1, 8}},
	}
	for _, tt := range tests {
		if got, ok := loc[tt.key]; !ok || got != tt.want {
			t.Errorf("locate[%q] = %+v (found %v), want %+v", tt.key, got, ok, tt.want)
		}
	}
	for _, k := range []string{"server.fake", "server.c", "fake"} {
		if _, ok := loc[k]; ok {
			t.Errorf("locate found %q, which is inside a value", k)
		}
	}
}
