package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/subscriber"
)

// TestSubscriberRulesAgree runs the same cases through the three ways in:
// the subscribe form of a running daemon, `herald subscribers add` and
// `herald subscribers import`. Each must accept or refuse alike and store
// the same name and topics.
func TestSubscriberRulesAgree(t *testing.T) {
	cases := []struct {
		name, local, person, topics string
		ok                          bool
		wantName                    string
		wantTopics                  []string
	}{
		{"plain", "ann", "Ann Lee", "", true, "Ann Lee", nil},
		{"no name", "bob", "", "", true, "", nil},
		{"surrounding space", "cat", "  Cat  ", "", true, "Cat", nil},
		{"100 characters", "dan", strings.Repeat("é", 100), "", true, strings.Repeat("é", 100), nil},
		{"101 characters", "eve", strings.Repeat("é", 101), "", false, "", nil},
		{"300 characters", "fay", strings.Repeat("x", 300), "", false, "", nil},
		{"line break", "gus", "Gus\r\nBcc: all@example.com", "", false, "", nil},
		{"tab", "hal", "Hal\tBerg", "", false, "", nil},
		{"not an address", "not an address", "Ivy", "", false, "", nil},
		{"topics", "jan", "Jan", "tag:go author:ana tag:go", true, "Jan", []string{"tag:go", "author:ana"}},
		{"bad topic", "kim", "Kim", "category:x", false, "", nil},
		{"empty topic value", "lee", "Lee", "tag:", false, "", nil},
	}
	site := newTestSite(t, "Test blog")
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+"[subscribers]\nrate_per_ip = 1000\n")
	s := startServe(t, site, nil)
	addr := func(entry, local string) string { return entry + "-" + local + "@example.org" }

	var rows strings.Builder
	cw := csv.NewWriter(&rows)
	cw.Write([]string{"email", "name", "topics"})
	for _, tc := range cases {
		form := url.Values{"email": {addr("form", tc.local)}, "name": {tc.person}, "topics": subscriber.SplitTopics(tc.topics)}
		resp, err := http.PostForm(s.url+"/subscribe", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ok := resp.StatusCode < 400; ok != tc.ok {
			t.Errorf("%s: the form answered %d", tc.name, resp.StatusCode)
		}
		_, errOut, err := runCmd(t, "subscribers", "add", "-config", site.config, "-confirmed",
			"-name", tc.person, "-topics", tc.topics, addr("add", tc.local))
		if (err == nil) != tc.ok {
			t.Errorf("%s: subscribers add: %v %s", tc.name, err, errOut)
		}
		cw.Write([]string{addr("import", tc.local), tc.person, tc.topics})
	}
	cw.Flush()
	file := filepath.Join(site.dir, "import.csv")
	if err := os.WriteFile(file, []byte(rows.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	runCmd(t, "subscribers", "import", "-config", site.config, "-skip-invalid", file)

	out, errOut, err := runCmd(t, "subscribers", "list", "-config", site.config, "-json")
	if err != nil {
		t.Fatalf("list: %v\n%s", err, errOut)
	}
	var stored []subscriber.JSONSubscriber
	if err := json.Unmarshal([]byte(out), &stored); err != nil {
		t.Fatal(err)
	}
	byEmail := map[string]subscriber.JSONSubscriber{}
	for _, sub := range stored {
		byEmail[sub.Email] = sub
	}
	for _, tc := range cases {
		for _, entry := range []string{"form", "add", "import"} {
			sub, found := byEmail[addr(entry, tc.local)]
			switch {
			case found != tc.ok:
				t.Errorf("%s through %s: stored %v, want %v", tc.name, entry, found, tc.ok)
			case found && (sub.Name != tc.wantName || !slices.Equal(sub.Topics, tc.wantTopics) && len(sub.Topics)+len(tc.wantTopics) > 0):
				t.Errorf("%s through %s: stored name %q topics %q, want %q %q", tc.name, entry, sub.Name, sub.Topics, tc.wantName, tc.wantTopics)
			}
		}
	}
}
