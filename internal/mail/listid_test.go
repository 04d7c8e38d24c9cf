package mail

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func TestFormatListID(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bare id", "<news.example.com>", "<news.example.com>"},
		{"atoms", "Ada's Blog <news.example.com>", "Ada's Blog <news.example.com>"},
		{"specials quoted", "Notes, etc. <news.example.com>", `"Notes, etc." <news.example.com>`},
		{"quoted kept", `"A \"big\" list" <news.example.com>`, `"A \"big\" list" <news.example.com>`},
		{"non-ASCII encoded, id outside", "Zoë’s Notes <news.example.com>", "=?utf-8?b?Wm/Dq+KAmXMgTm90ZXM=?= <news.example.com>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := formatListID(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("formatListID(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	long, err := formatListID(strings.Repeat("Żółw ", 20) + "<news.example.com>")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split("List-Id: "+long, "\r\n") {
		if len(line) > maxHeaderLine || (i > 0 && line[0] != ' ') {
			t.Errorf("line %d of a long List-Id is %d characters or not folded: %q", i, len(line), line)
		}
	}
	for _, bad := range []string{"news.example.com", "Blog <>", "Blog <not an id>", "Blog <a..b>"} {
		if _, err := formatListID(bad); !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("formatListID(%q) = %v, want ErrInvalidMessage", bad, err)
		}
	}
}

// TestListIDRoundTrip builds messages with List-Ids and reads them back
// with Python's email package (a parser herald did not write): the
// description and the id come back as given, and the raw header keeps the
// <id> outside encoded words (RFC 2919).
func TestListIDRoundTrip(t *testing.T) {
	needDkimpy(t) // the same Debian Python; its email package is the parser
	descs := []string{"Zoë’s Notes", "Ada's Blog", "Notes, etc.", "", strings.Repeat("Żółw ", 20) + "end", "日本語のブログ"}
	var raws [][]byte
	for _, d := range descs {
		m := sampleMessage()
		m.Headers = []Header{{Name: "List-Id", Value: strings.TrimSpace(d + " <news.example.com>")}}
		raw, err := Build(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		line := regexp.MustCompile(`\r\nList-Id: ((?:.|\r\n )*)\r\n`).FindSubmatch(raw)
		if line == nil || !bytes.HasSuffix(line[1], []byte(" <news.example.com>")) && !bytes.Equal(line[1], []byte("<news.example.com>")) {
			t.Errorf("raw List-Id for %q does not end in a plain <news.example.com>: %q", d, line)
		}
		raws = append(raws, raw)
	}
	script := `
import email, email.policy, email.headerregistry, json, sys
out = []
for raw in json.load(sys.stdin):
    msg = email.message_from_bytes(raw.encode("latin-1"), policy=email.policy.default)
    out.append(str(msg["List-Id"]))
print(json.dumps(out))
`
	in := make([]string, len(raws))
	for i, r := range raws {
		in[i] = string(r) // ASCII: every header is encoded
	}
	payload, _ := json.Marshal(in)
	cmd := exec.Command(dkimpyPython, "-c", script)
	cmd.Stdin = bytes.NewReader(payload)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("python said %s: %v", out, err)
	}
	for i, d := range descs {
		want := strings.TrimSpace(d + " <news.example.com>")
		if d == "Notes, etc." {
			want = `"Notes, etc." <news.example.com>`
		}
		if got[i] != want {
			t.Errorf("Python reads List-Id %q, want %q", got[i], want)
		}
	}
}
