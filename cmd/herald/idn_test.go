package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/subscriber"
)

// TestIDNOneIdentity subscribes one mailbox under the Unicode and ASCII
// spellings of its domain through the form, `subscribers add` and
// `subscribers import`: one subscriber results, stored with the domain in
// ASCII and listed in Unicode, and `subscribers remove` finds it by either
// spelling.
func TestIDNOneIdentity(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+"[subscribers]\nrate_per_ip = 1000\n")
	s := startServe(t, site, nil)

	resp, err := http.PostForm(s.url+"/subscribe", url.Values{"email": {"jo@bücher.example"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("form: %d", resp.StatusCode)
	}
	if _, errOut, err := runCmd(t, "subscribers", "add", "-config", site.config, "Jo@XN--BCHER-KVA.example"); err == nil ||
		!strings.Contains(errOut+err.Error(), "already on the list") {
		t.Errorf("add of the ASCII spelling: %v %s; want already on the list", err, errOut)
	}
	if _, errOut, err := runCmd(t, "subscribers", "add", "-config", site.config, "-confirmed", "ann@例え.jp"); err != nil {
		t.Fatalf("add: %v %s", err, errOut)
	}
	file := filepath.Join(site.dir, "import.csv")
	csv := "email,name\njo@BÜCHER.example,Jo\nann@xn--r8jz45g.jp,Ann\n"
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := runCmd(t, "subscribers", "import", "-config", site.config, file); err != nil {
		t.Fatalf("import: %v %s", err, errOut)
	}
	resp, err = http.PostForm(s.url+"/subscribe", url.Values{"email": {"ann@XN--R8JZ45G.jp"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	out, _, err := runCmd(t, "subscribers", "list", "-config", site.config, "-json")
	if err != nil {
		t.Fatal(err)
	}
	var stored []subscriber.JSONSubscriber
	if err := json.Unmarshal([]byte(out), &stored); err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, sub := range stored {
		emails = append(emails, sub.Email)
	}
	if len(stored) != 2 || emails[0] != "jo@xn--bcher-kva.example" || emails[1] != "ann@xn--r8jz45g.jp" {
		t.Fatalf("stored %q; want one subscriber per mailbox, domains in ASCII", emails)
	}
	text, _, err := runCmd(t, "subscribers", "list", "-config", site.config)
	if err != nil || !strings.Contains(text, "jo@bücher.example") || !strings.Contains(text, "ann@例え.jp") {
		t.Errorf("list does not show the domains in Unicode (%v):\n%s", err, text)
	}
	if out, errOut, err := runCmd(t, "subscribers", "remove", "-config", site.config, "JO@bücher.EXAMPLE"); err != nil {
		t.Errorf("remove by another spelling: %v %s", err, errOut)
	} else if !strings.Contains(out, "jo@bücher.example") {
		t.Errorf("remove says %q; want the address in Unicode", out)
	}
}
