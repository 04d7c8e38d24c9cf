package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs herald with args and returns stdout, stderr and the error.
func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, env{stdout: &out, stderr: &errOut})
	return out.String(), errOut.String(), err
}

func TestSubscribersCommands(t *testing.T) {
	site := newTestSite(t, "Test blog")
	cfg := site.config
	mustRun := func(args ...string) string {
		t.Helper()
		out, errOut, err := runCmd(t, args...)
		if err != nil {
			t.Fatalf("herald %s: %v\n%s", strings.Join(args, " "), err, errOut)
		}
		return out
	}
	mustRun("subscribers", "add", "-config", cfg, "-name", "Ann", "Ann@Example.com")
	outbox, _ := filepath.Glob(filepath.Join(site.dir, "data", "outbox", "*.eml"))
	if len(outbox) != 1 {
		t.Fatalf("add without -confirmed wrote %d emails, want one confirmation", len(outbox))
	}
	if msg, _ := os.ReadFile(outbox[0]); !strings.Contains(string(msg), "/confirm/") {
		t.Errorf("the email has no confirmation link:\n%s", msg)
	}
	mustRun("subscribers", "add", "-config", cfg, "-confirmed", "bob@example.org")
	if _, _, err := runCmd(t, "subscribers", "add", "-config", cfg, "ann@example.com"); err == nil {
		t.Error("adding a known address (other case) succeeded")
	}

	csvPath := filepath.Join(site.dir, "in.csv")
	writeFile(t, csvPath, "email,name,status\ncat@example.com,Cat,unsubscribed\nbroken,X,active\nbob@example.org,Bob,active\n")
	_, errOut, err := runCmd(t, "subscribers", "import", "-config", cfg, csvPath)
	if !errors.Is(err, errFailed) || !strings.Contains(errOut, "in.csv:3:") {
		t.Fatalf("import with a bad row: err=%v stderr=%q, want failure naming line 3", err, errOut)
	}
	if out := mustRun("subscribers", "list", "-config", cfg); strings.Contains(out, "cat@example.com") {
		t.Fatalf("a rejected import changed the list:\n%s", out)
	}
	mustRun("subscribers", "import", "-config", cfg, "-skip-invalid", csvPath)

	gone := filepath.Join(site.dir, "unsubscribed_members.csv")
	writeFile(t, gone, "Email Address,First Name\ndan@example.com,Dan\n")
	mustRun("subscribers", "import", "-config", cfg, "-status", "unsubscribed", gone)
	if out := mustRun("subscribers", "list", "-config", cfg, "-status", "unsubscribed"); !strings.Contains(out, "dan@example.com") {
		t.Errorf("a Mailchimp unsubscribed export imported with -status unsubscribed is not unsubscribed:\n%s", out)
	}

	list := mustRun("subscribers", "list", "-config", cfg, "-status", "active")
	if !strings.Contains(list, "bob@example.org") || strings.Contains(list, "Ann@example.com") || strings.Contains(list, "cat@") {
		t.Errorf("active list is wrong:\n%s", list)
	}
	export := filepath.Join(site.dir, "out.csv")
	mustRun("subscribers", "export", "-config", cfg, "-o", export)
	data, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ann@example.com,Ann,pending", "bob@example.org,Bob,active", "cat@example.com,Cat,unsubscribed"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("export lacks %q:\n%s", want, data)
		}
	}
	mustRun("subscribers", "remove", "-config", cfg, "ann@example.com")
	if out := mustRun("subscribers", "list", "-config", cfg, "-json"); strings.Contains(out, "Ann@") || !strings.Contains(out, `"email": "bob@example.org"`) {
		t.Errorf("after remove, json list is wrong:\n%s", out)
	}
}

func TestCommandLineUsageErrors(t *testing.T) {
	site := newTestSite(t, "Test blog")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"unknown flag", []string{"build", "-nope"}, "flag provided but not defined"},
		{"missing subcommand", []string{"subscribers"}, "name a subcommand"},
		{"extra argument", []string{"subscribers", "remove", "-config", site.config, "a@example.com", "b@example.com"}, "expected one EMAIL"},
		{"bad status", []string{"subscribers", "list", "-config", site.config, "-status", "gone"}, "unknown status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(t, tt.args...)
			if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a usage error containing %q", err, tt.want)
			}
			var stderr bytes.Buffer
			if code := exitCode(err, &stderr); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
		})
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		out, _, err := runCmd(t, c.name, "-h")
		if err == nil || !errors.Is(err, errHelp) {
			t.Errorf("%s -h: err = %v, want errHelp", c.name, err)
		}
		if !strings.Contains(out, "Usage: herald "+c.name) {
			t.Errorf("%s -h printed %q", c.name, out)
		}
		if out2, _, _ := runCmd(t, "help", c.name); out2 != out {
			t.Errorf("herald help %s differs from %s -h", c.name, c.name)
		}
	}
}

func TestMissingConfigSaysWhatToDo(t *testing.T) {
	_, _, err := runCmd(t, "build", "-config", filepath.Join(t.TempDir(), "nope.toml"))
	if err == nil || !strings.Contains(err.Error(), "herald init") {
		t.Fatalf("err = %v, want advice to run herald init", err)
	}
}

func TestInitScaffoldsASiteThatBuilds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	out, errOut, err := runCmd(t, "init", dir)
	if err != nil {
		t.Fatalf("init: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "Hugo or Jekyll") {
		t.Errorf("init does not say how to use an existing site:\n%s", out)
	}
	out, errOut, err = runCmd(t, "build", "-config", filepath.Join(dir, "herald.toml"))
	if err != nil || !strings.Contains(out, "Published 1 post (") {
		t.Fatalf("build of the scaffold: %v\n%s\n%s", err, out, errOut)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "herald.toml"))
	if _, _, err := runCmd(t, "init", dir); err == nil || !strings.Contains(err.Error(), "never overwrites") {
		t.Fatalf("second init: err = %v, want a refusal", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "herald.toml"))
	if !bytes.Equal(before, after) {
		t.Error("second init changed herald.toml")
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writePost(t, "good.md", "Good post", "2026-01-01")
	writeFile(t, filepath.Join(site.posts, "bad-date.md"), "---\ntitle: Bad date\ndate: 2026-13-45\n---\nx\n")
	writeFile(t, filepath.Join(site.posts, "who.md"), "---\ntitle: Who\ndate: 2026-01-02\nauthor: nobody\n---\nx\n")
	writeFile(t, filepath.Join(site.posts, "twin-a.md"), "---\ntitle: A\ndate: 2026-01-03\nid: same\n---\nx\n")
	writeFile(t, filepath.Join(site.posts, "twin-b.md"), "---\ntitle: B\ndate: 2026-01-04\nid: same\n---\nx\n")
	out, errOut, err := runCmd(t, "check", "-config", site.config)
	if !errors.Is(err, errFailed) {
		t.Fatalf("check returned %v, want a failure\n%s", err, errOut)
	}
	for _, want := range []string{"bad-date.md:3:", "twin-b.md", `note: author "nobody" (1 post) is not declared`, `[authors.nobody] name = "nobody"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("check output lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "2 errors") {
		t.Errorf("summary = %q", out)
	}
	out, errOut, err = runCmd(t, "build", "-config", site.config)
	if !errors.Is(err, errFailed) || !strings.Contains(out, "1 skipped for errors") {
		t.Fatalf("build: err=%v out=%q stderr=%q, want exit 1 and 1 skipped", err, out, errOut)
	}
}

func TestConfigErrorsArePrintedWithPositions(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writeConfig(t, "[site]\ntitle = 5\nbase_url = \"not a url\"\nnope = true\n")
	_, errOut, err := runCmd(t, "check", "-config", site.config)
	if !errors.Is(err, errFailed) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"herald.toml:2:", "herald.toml:3:", "herald.toml:4:"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %s:\n%s", want, errOut)
		}
	}
}

// TestFlagsAfterArguments checks that every command takes its flags after
// its arguments too, and that "--" ends the flags.
func TestFlagsAfterArguments(t *testing.T) {
	site := newTestSite(t, "Test blog")
	out, errOut, err := runCmd(t, "subscribers", "add", "reader@example.org", "-confirmed", "-config", site.config, "-name", "Rita")
	if err != nil || !strings.Contains(out, "Added reader@example.org as active") {
		t.Fatalf("add with flags after the address: %v %q %q", err, out, errOut)
	}
	out, _, err = runCmd(t, "subscribers", "list", "-config", site.config, "-json")
	if err != nil || !strings.Contains(out, `"name": "Rita"`) {
		t.Errorf("list: %v\n%s", err, out)
	}
	_, errOut, err = runCmd(t, "subscribers", "add", "-config", site.config, "--", "-confirmed")
	if err == nil || strings.Contains(errOut, "Added") {
		t.Errorf(`"--" did not make -confirmed an argument: %v %q`, err, errOut)
	}
	if _, _, err := runCmd(t, "subscribers", "add", "a@example.org", "b@example.org", "-config", site.config); err == nil || !strings.Contains(err.Error(), "got 2 arguments") {
		t.Errorf("two addresses: %v, want the count of arguments", err)
	}
}

// TestCheckReportsBrokenTemplates breaks a template of each part in
// templates_dir: check names each file with its line, fails, and passes
// again once they are fixed, as serve would start then.
func TestCheckReportsBrokenTemplates(t *testing.T) {
	site := newTestSite(t, "Test blog")
	site.writePost(t, "good.md", "Good post", "2026-01-01")
	text, err := os.ReadFile(site.config)
	if err != nil {
		t.Fatal(err)
	}
	site.writeConfig(t, "templates_dir = \"tpl\"\n"+string(text)+"[smtp]\nfrom = \"news@blog.example.com\"\n[newsletter]\nenabled = true\nschedule = \"0 9 * * 1\"\n")
	tpl := filepath.Join(site.dir, "tpl")
	broken := map[string]string{
		"feed/index.html":       "<html>\n{{ end }}",
		"pages/confirm.html":    "{{ define \"content\" }}\n\n{{ if }}{{ end }}\n{{ end }}",
		"email/confirm.html":    "{{ .Name",
		"email/newsletter.html": "Hello\n{{ range .Posts }}",
	}
	for name, text := range broken {
		writeFile(t, filepath.Join(tpl, name), text)
	}
	out, errOut, err := runCmd(t, "check", "-config", site.config)
	if !errors.Is(err, errFailed) || !strings.Contains(out, "4 errors") {
		t.Fatalf("check with broken templates: err=%v out=%q\n%s", err, out, errOut)
	}
	for _, want := range []string{"tpl/feed/index.html:2:", "tpl/pages/confirm.html:3:", "tpl/email/confirm.html:1:", "tpl/email/newsletter.html:2:"} {
		if !strings.Contains(errOut, filepath.FromSlash(want)) {
			t.Errorf("check output lacks %q:\n%s", want, errOut)
		}
	}
	for name := range broken {
		if err := os.Remove(filepath.Join(tpl, name)); err != nil {
			t.Fatal(err)
		}
	}
	if out, errOut, err := runCmd(t, "check", "-config", site.config); err != nil || !strings.Contains(out, "0 errors") {
		t.Fatalf("check with the templates fixed: err=%v out=%q\n%s", err, out, errOut)
	}
}
