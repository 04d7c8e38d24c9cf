package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/clock/clocktest"
	"github.com/heraldhq/herald/internal/testkit"
)

// mailpit is a Mailpit server (a real SMTP server with an HTTP API).
type mailpit struct {
	api, smtp string
}

// startMailpit runs the mailpit binary on free loopback ports. Without it
// the test skips, unless CI=true.
func startMailpit(t *testing.T) *mailpit {
	t.Helper()
	return startMailpitWith(t, "--smtp-auth-accept-any")
}

// startMailpitWith runs mailpit with auth as its SMTP authentication
// flags (e.g. --smtp-auth-file FILE).
func startMailpitWith(t *testing.T, auth ...string) *mailpit {
	t.Helper()
	bin, err := exec.LookPath("mailpit")
	if err != nil {
		if gopath, _ := exec.Command("go", "env", "GOPATH").Output(); len(gopath) > 0 {
			candidate := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "mailpit")
			if _, statErr := os.Stat(candidate); statErr == nil {
				bin, err = candidate, nil
			}
		}
	}
	if err != nil {
		msg := "mailpit not found: install it with `go install github.com/axllent/mailpit@v1.33.1` (.ci/run does) to run this test"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	m := &mailpit{api: testkit.FreeAddr(t), smtp: testkit.FreeAddr(t)}
	args := []string{"--listen", m.api, "--smtp", m.smtp, "--quiet",
		"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--smtp-auth-allow-insecure"}
	cmd := exec.Command(bin, append(args, auth...)...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, "mailpit API", func() bool {
		resp, err := http.Get("http://" + m.api + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	return m
}

// waitFor polls cond until it holds or 20 s pass: it waits on other
// processes, which have no completion signal to wait on.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not ready within 20s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

type mailpitSummary struct {
	ID      string
	Subject string
	To      []struct{ Address string }
}

type mailpitMessage struct {
	ID, Subject, Text, HTML string
	MessageID               string
}

func (m *mailpit) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	resp, err := http.Get("http://" + m.api + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

// waitMessage waits for a message to rcpt whose subject contains subject.
func (m *mailpit) waitMessage(t *testing.T, rcpt, subject string) (mailpitMessage, map[string][]string) {
	t.Helper()
	var found mailpitSummary
	waitFor(t, "message "+subject, func() bool {
		var list struct{ Messages []mailpitSummary }
		m.getJSON(t, "/api/v1/messages", &list)
		for _, s := range list.Messages {
			if strings.Contains(s.Subject, subject) && len(s.To) > 0 && s.To[0].Address == rcpt {
				found = s
				return true
			}
		}
		return false
	})
	var msg mailpitMessage
	m.getJSON(t, "/api/v1/message/"+found.ID, &msg)
	var headers map[string][]string
	m.getJSON(t, "/api/v1/message/"+found.ID+"/headers", &headers)
	return msg, headers
}

func TestEndToEndWithMailpit(t *testing.T) {
	mp := startMailpit(t)
	listen := testkit.FreeAddr(t)
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC) // a Monday
	clock := clocktest.New(start)
	site := newTestSite(t, "Mailpit blog")
	cfg := strings.NewReplacer(
		`listen = "127.0.0.1:0"`, fmt.Sprintf("listen = %q", listen),
		`public_url = "http://127.0.0.1:9"`, fmt.Sprintf("public_url = %q", "http://"+listen),
	).Replace(fmt.Sprintf(testConfig, "Mailpit blog")) + fmt.Sprintf(`
[smtp]
url = "smtp://%s?tls=none&auth=none"
from = "news@blog.example.com"
[newsletter]
enabled = true
schedule = "0 9 * * *"
time_zone = "UTC"
`, mp.smtp)
	site.writeConfig(t, cfg)
	site.writePost(t, "old.md", "Old post before the newsletter", "2026-03-01")
	s := startServe(t, site, clock)

	// Subscribe, read the confirmation, confirm with the page's POST.
	resp, err := http.PostForm(s.url+"/subscribe", url.Values{"email": {"reader@example.org"}, "name": {"Rita Reader"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	confirm, _ := mp.waitMessage(t, "reader@example.org", "onfirm")
	link := regexp.MustCompile(`http://[^\s"<>]+/confirm/[A-Za-z0-9_-]+`).FindString(confirm.Text)
	if link == "" {
		t.Fatalf("no confirmation link in:\n%s", confirm.Text)
	}
	page := httpGet(t, link)
	if !strings.Contains(page, "<form") || !strings.Contains(page, "method=\"post\"") {
		t.Fatalf("confirmation page has no form to post:\n%s", page)
	}
	postForm(t, link, nil)
	waitFor(t, "subscriber active", func() bool { return strings.Contains(listSubscribers(t, site), "reader@example.org  active") })

	// Publish a post after the baseline and let the 09:00 run fire.
	site.writePost(t, "new.md", "Fresh post for the newsletter", "2026-03-02T08:30:00Z")
	s.eventually(t, "/feeds/atom.xml", "the new post is read (still in the future)", func(string) bool {
		return strings.Contains(s.logs.String(), "reason=\"posts changed\"")
	})
	clock.Advance(time.Hour)
	issue, headers := mp.waitMessage(t, "reader@example.org", "Fresh post for the newsletter")

	for _, h := range []string{"List-Unsubscribe", "List-Id", "Message-Id", "Date"} {
		if len(headers[h]) == 0 {
			t.Errorf("issue lacks the %s header; headers: %v", h, headers)
		}
	}
	// public_url is http here: RFC 8058 one-click needs https, so the
	// header that announces it is left out (the endpoint still works).
	if got := headers["List-Unsubscribe-Post"]; len(got) != 0 {
		t.Errorf("List-Unsubscribe-Post = %v over http, want none", got)
	}
	if !strings.HasSuffix(issue.MessageID, "@blog.example.com") {
		t.Errorf("Message-ID %q is not on the sender's domain", issue.MessageID)
	}
	for part, body := range map[string]string{"text": issue.Text, "html": issue.HTML} {
		if !strings.Contains(body, "https://blog.example.com/2026/03/new/") {
			t.Errorf("%s part lacks the post's link:\n%s", part, body)
		}
		if strings.Contains(body, "Old post before the newsletter") {
			t.Errorf("%s part mails a post from before the newsletter started", part)
		}
	}

	// One-click unsubscribe from the header, as a mailbox provider does it.
	unsub := strings.Trim(strings.Split(headers["List-Unsubscribe"][0], ",")[0], "<> ")
	postForm(t, unsub, url.Values{"List-Unsubscribe": {"One-Click"}})
	waitFor(t, "subscriber unsubscribed", func() bool {
		return strings.Contains(listSubscribers(t, site), "reader@example.org  unsubscribed")
	})
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func postForm(t *testing.T, u string, v url.Values) {
	t.Helper()
	resp, err := http.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("POST %s: %s", u, resp.Status)
	}
}

func listSubscribers(t *testing.T, site *testSite) string {
	t.Helper()
	out, errOut, err := runCmd(t, "subscribers", "list", "-config", site.config)
	if err != nil {
		t.Fatalf("subscribers list: %v\n%s", err, errOut)
	}
	return out
}

// TestSendWrongPasswordWithMailpit sends through Mailpit with a wrong
// password (Mailpit checks it against --smtp-auth-file): herald send
// stops at once naming the setting, the issue stays open and nobody is
// counted as bounced; with the password fixed, the next herald send
// resumes it and every reader gets it once.
func TestSendWrongPasswordWithMailpit(t *testing.T) {
	authFile := filepath.Join(t.TempDir(), "smtp-auth")
	writeFile(t, authFile, "news:right-password\n")
	mp := startMailpitWith(t, "--smtp-auth-file", authFile)
	site := newFaultSite(t)
	host, portText, _ := strings.Cut(mp.smtp, ":")
	port, _ := strconv.Atoi(portText)
	site.relay(t, host, port, "username = \"news\"\nauth = \"plain\"\npassword = \"wrong-password\"")
	out, code, took := site.send(t, context.Background())
	t.Logf("wrong password: exit %d in %s\n%s", code, took.Round(time.Millisecond), out)
	if code != 1 || !strings.Contains(out, "(auth): 535") || !strings.Contains(out, "check smtp.username and the password") ||
		!strings.Contains(out, "12 deliveries pending") || strings.Contains(out, "wrong-password") ||
		!strings.Contains(out, "Stopped after") || strings.Contains(out, "Done in") {
		t.Errorf("wrong password: exit %d, want 1, \"Stopped after\" and the setting to check, without the password", code)
	}
	if n := mp.count(t); n != 0 {
		t.Errorf("mailpit holds %d messages after the refused login", n)
	}
	_, people := site.ledger(t)
	for addr, p := range people {
		if p.Bounces != 0 || p.Status != "active" {
			t.Errorf("%s is %s with %d bounces after the relay refused herald's login", addr, p.Status, p.Bounces)
		}
	}
	site.relay(t, host, port, "username = \"news\"\nauth = \"plain\"\npassword = \"right-password\"")
	out, code, _ = site.send(t, context.Background())
	if code != 0 || !strings.Contains(out, "Resuming issue 1: 12 deliveries pending") || !strings.Contains(out, "Issue 1: 12 sent") ||
		!strings.Contains(out, "Done in") {
		t.Errorf("with the password fixed: exit %d\n%s", code, out)
	}
	got := map[string]int{}
	var list struct{ Messages []mailpitSummary }
	mp.getJSON(t, "/api/v1/messages?limit=100", &list)
	for _, s := range list.Messages {
		for _, to := range s.To {
			got[to.Address]++
		}
	}
	for i := range faultRecipients {
		if got[faultRcpt(i)] != 1 {
			t.Errorf("%s received %d copies in Mailpit, want 1", faultRcpt(i), got[faultRcpt(i)])
		}
	}
}

// count returns how many messages Mailpit holds.
func (m *mailpit) count(t *testing.T) int {
	t.Helper()
	var list struct{ Total int }
	m.getJSON(t, "/api/v1/messages", &list)
	return list.Total
}
