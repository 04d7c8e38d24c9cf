package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/clock/clocktest"
	"github.com/heraldhq/herald/internal/mail/smtptest"
	"github.com/heraldhq/herald/internal/plural"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
	"github.com/heraldhq/herald/internal/testkit"
)

// outboxSite is a site whose newsletter writes to the outbox folder.
func outboxSite(t *testing.T, extra string) *testSite {
	t.Helper()
	site := newTestSite(t, "Send blog")
	site.writeConfig(t, fmt.Sprintf(testConfig, "Send blog")+`
[smtp]
from = "news@blog.example.com"
[newsletter]
enabled = true
schedule = "0 9 * * 1"
time_zone = "UTC"
`+extra)
	return site
}

// TestSendFirstOnNewDatabase runs herald send on a database where herald
// serve never ran: the dry run says what would happen and records
// nothing; the send records the baseline, says so and mails nothing; a
// post published afterwards is mailed by the next send.
func TestSendFirstOnNewDatabase(t *testing.T) {
	site := outboxSite(t, "")
	site.writePost(t, "one.md", "One", "2026-01-01")
	site.writePost(t, "two.md", "Two", "2026-02-01")
	if _, errOut, err := runCmd(t, "subscribers", "add", "-config", site.config, "-confirmed", "reader@example.org"); err != nil {
		t.Fatal(err, errOut)
	}
	out, errOut, err := runCmd(t, "send", "-config", site.config, "-dry-run", t.TempDir())
	if err != nil || !strings.Contains(out, "First send on this database: 2 existing posts would be recorded as sent") {
		t.Fatalf("dry run on a new database: %v\n%s%s", err, out, errOut)
	}
	if _, err := (&faultSite{testSite: site, db: filepath.Join(site.dir, "data", "herald.db")}).setting(t, "newsletter.baseline"); err == nil {
		t.Error("the dry run recorded a baseline")
	}
	out, errOut, err = runCmd(t, "send", "-config", site.config)
	if err != nil || !strings.Contains(out, "First send on this database: 2 existing posts recorded as sent; posts published from now on will be mailed") {
		t.Fatalf("first send: %v\n%s%s", err, out, errOut)
	}
	if n := outboxCount(t, site); n != 0 {
		t.Errorf("the first send mailed %d messages, want none", n)
	}
	if out, _, err := runCmd(t, "send", "-config", site.config); err != nil || !strings.Contains(out, "Nothing new") {
		t.Errorf("second send: %v\n%s", err, out)
	}
	later := time.Now().UTC().Add(time.Hour)
	site.writePost(t, "three.md", "Three", later.Add(-time.Minute).Format(time.RFC3339))
	var buf strings.Builder
	err = run(context.Background(), []string{"send", "-config", site.config}, env{stdout: &buf, stderr: &buf, clock: clocktest.NewAuto(later)})
	if err != nil || !strings.Contains(buf.String(), "Issue 1: 1 sent") {
		t.Errorf("send an hour later, after a new post: %v\n%s", err, buf.String())
	}
	if n := outboxCount(t, site); n != 1 || !strings.Contains(outboxText(t, site), "Three") {
		t.Errorf("outbox has %d messages, want the new post once", n)
	}
}

// setting reads a store setting.
func (s *faultSite) setting(t *testing.T, key string) (string, error) {
	st := s.open(t)
	defer st.Close()
	return st.Setting(context.Background(), key)
}

// TestSendDuringVacation: -to and -dry-run work during a vacation and say
// that it is on; a real send is refused unless -ignore-vacation.
func TestSendDuringVacation(t *testing.T) {
	now := time.Now().UTC()
	site := outboxSite(t, fmt.Sprintf("[[vacation]]\nfrom = %s\nuntil = %s\nnote = \"Gone fishing\"\n",
		now.AddDate(0, 0, -1).Format("2006-01-02"), now.AddDate(0, 0, 2).Format("2006-01-02")))
	setBaseline(t, filepath.Join(site.dir, "data", "herald.db"), now.Add(-2*time.Hour))
	site.writePost(t, "new.md", "Written on the beach", now.Add(-time.Hour).Format(time.RFC3339))
	if _, errOut, err := runCmd(t, "subscribers", "add", "-config", site.config, "-confirmed", "reader@example.org"); err != nil {
		t.Fatal(err, errOut)
	}
	out, errOut, err := runCmd(t, "send", "-config", site.config, "-to", "me@example.org")
	if err != nil || !strings.Contains(out, "A vacation is on") || !strings.Contains(out, "Gone fishing") ||
		!strings.Contains(out, "1 test copy sent to me@example.org") {
		t.Errorf("send -to during a vacation: %v\n%s%s", err, out, errOut)
	}
	dir := t.TempDir()
	out, errOut, err = runCmd(t, "send", "-config", site.config, "-dry-run", dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || !strings.Contains(out, "A vacation is on") || len(files) != 1 {
		t.Errorf("send -dry-run during a vacation: %v, %d files\n%s%s", err, len(files), out, errOut)
	}
	if _, _, err := runCmd(t, "send", "-config", site.config); err == nil || !strings.Contains(err.Error(), "-ignore-vacation") {
		t.Errorf("send during a vacation = %v, want a refusal naming -ignore-vacation", err)
	}
}

// TestSendPerPost checks per-post mode through the command: the dry run
// writes one message per post and subscriber, -to one copy per post, and
// the send reports each post's issue and adds them up, exit status
// included.
func TestSendPerPost(t *testing.T) {
	site := newFaultSite(t)
	site.writePost(t, "second.md", "A second post", time.Now().UTC().Add(-30*time.Minute).Format(time.RFC3339))
	srv := smtptest.Start(t)
	srv.Reply(faultRcpt(1), 550, 0)
	h, p := srv.Addr()
	site.relay(t, h, p, "")
	site.writeConfig(t, strings.Replace(readFile(t, site.config), `retry_base = "50ms"`, "retry_base = \"50ms\"\nmode = \"per-post\"", 1))

	dir := t.TempDir()
	out, errOut, err := runCmd(t, "send", "-config", site.config, "-dry-run", dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(files) != 2*faultRecipients {
		t.Fatalf("per-post dry run: %v, %d files, want %d\n%s%s", err, len(files), 2*faultRecipients, out, errOut)
	}
	out, errOut, err = runCmd(t, "send", "-config", site.config, "-to", "me@example.org")
	if err != nil || !strings.Contains(out, "2 test copies sent") || received(srv)["me@example.org"] != 2 {
		t.Fatalf("per-post -to: %v, %d copies\n%s%s", err, received(srv)["me@example.org"], out, errOut)
	}
	out, code, _ := site.send(t, context.Background())
	if code != 1 {
		t.Errorf("per-post send with a refused recipient: exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"(post ", "Total: 22 sent, 2 failed, 0 skipped, 0 uncertain"} {
		if !strings.Contains(out, want) {
			t.Errorf("per-post send output lacks %q:\n%s", want, out)
		}
	}
	if got := received(srv); got[faultRcpt(0)] != 2 || got[faultRcpt(1)] != 0 {
		t.Errorf("per recipient: %s got %d messages (want 2, one per post), %s got %d", faultRcpt(0), got[faultRcpt(0)], faultRcpt(1), got[faultRcpt(1)])
	}
}

// TestSendStopsCleanly stops herald send (Ctrl-C) in the middle of an
// issue: it lets the message in flight finish, puts the rest back and
// says what remains; nothing is left claimed, sending or uncertain, and
// the next herald send finishes the issue without a duplicate.
func TestSendStopsCleanly(t *testing.T) {
	site := newFaultSite(t)
	srv := smtptest.Start(t)
	h, p := srv.Addr()
	site.relay(t, h, p, "rate = 10")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Polls the relay, which has no completion signal; the send
		// paced at 10/s takes over a second, so this stops it midway.
		for srv.Stats().Delivered < 3 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel() // what Ctrl-C or SIGTERM does to run's context
	}()
	out, code, _ := site.send(t, ctx)
	if code != 1 || !strings.Contains(out, "Stopped; issue 1 has ") || !strings.Contains(out, "run herald send again to finish") ||
		strings.Contains(out, "Done in") || strings.Count(out, "Stopped") != 1 {
		t.Fatalf("stopped send: exit %d\n%s", code, out)
	}
	ds, _ := site.ledger(t)
	pending := 0
	for addr, d := range ds {
		switch d.Status {
		case store.DeliveryPending:
			pending++
		case store.DeliverySent:
		default:
			t.Errorf("%s is %s after a clean stop, want sent or pending", addr, d.Status)
		}
	}
	if sent := len(ds) - pending; sent != srv.Stats().Delivered {
		t.Errorf("ledger has %d sent, the relay %d messages", sent, srv.Stats().Delivered)
	}
	out, code, _ = site.send(t, context.Background())
	if code != 0 || !strings.Contains(out, fmt.Sprintf("Resuming issue 1: %d deliveries pending", pending)) {
		t.Errorf("second send: exit %d\n%s", code, out)
	}
	for i := range faultRecipients {
		if n := received(srv)[faultRcpt(i)]; n != 1 {
			t.Errorf("%s received %d copies", faultRcpt(i), n)
		}
	}
}

// envSendHelper makes TestSendHelperProcess run herald with these
// arguments (separated by newlines).
const envSendHelper = "HERALD_TEST_SEND_ARGS"

// TestSendHelperProcess is herald itself, for the kill test; it does
// nothing unless started by it.
func TestSendHelperProcess(t *testing.T) {
	args := os.Getenv(envSendHelper)
	if args == "" {
		t.Skip("helper process of TestSendAfterKill")
	}
	err := run(context.Background(), strings.Split(args, "\n"), env{stdout: os.Stdout, stderr: os.Stderr})
	os.Exit(exitCode(err, os.Stderr))
}

// TestSendAfterKill kills herald send with SIGKILL in the middle of an
// issue, then runs herald send again: it resumes the issue and completes
// it; nobody gets it twice and everyone without it is listed uncertain.
func TestSendAfterKill(t *testing.T) { testSendAfterKill(t, newFaultSite(t)) }

// TestSendAfterKillPostgres is TestSendAfterKill on PostgreSQL, where the
// killed process's leases and open transaction live in the server, not in
// a file the next process opens.
func TestSendAfterKillPostgres(t *testing.T) {
	testSendAfterKill(t, newFaultSiteOn(t, testkit.FreshSchema(t)))
}

func testSendAfterKill(t *testing.T, site *faultSite) {
	st := site.open(t)
	more := make([]subscriber.Subscriber, 48)
	for i := range more {
		addr := faultRcpt(faultRecipients + i)
		more[i] = subscriber.Subscriber{Email: addr, EmailKey: addr, Status: subscriber.Active}
	}
	if _, err := st.Import(context.Background(), more, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	total := faultRecipients + len(more)
	srv := smtptest.Start(t)
	h, p := srv.Addr()
	site.relay(t, h, p, "rate = 40")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSendHelperProcess$")
	cmd.Env = append(os.Environ(), envSendHelper+"=send\n-config\n"+site.config)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() }) //nolint:errcheck // gone already when the test passed
	waitFor(t, "10 messages", func() bool { return srv.Stats().Delivered >= 10 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait() //nolint:errcheck // killed
	killedAt := srv.Stats().Delivered
	if killedAt >= total {
		t.Fatalf("the send finished (%d messages) before it was killed", killedAt)
	}
	left, _ := site.ledger(t)
	out, code, _ := site.send(t, context.Background())
	t.Logf("killed after %d of %d messages; then:\n%s", killedAt, total, out)
	if !strings.Contains(out, "Resuming issue 1: ") {
		t.Errorf("herald send after the kill did not resume the issue:\n%s", out)
	}
	ds, _ := site.ledger(t)
	checkHeldTold(t, site, left, ds, out)
	got := received(srv)
	uncertain := 0
	for i := range total {
		addr := faultRcpt(i)
		listed := ds[addr].Status == store.DeliveryUncertain
		if listed {
			uncertain++
		}
		switch {
		case got[addr] > 1:
			t.Errorf("%s received the issue %d times", addr, got[addr])
		case got[addr] == 0 && !listed:
			t.Errorf("%s received nothing and is %s, not uncertain", addr, ds[addr].Status)
		case !listed && ds[addr].Status != store.DeliverySent:
			t.Errorf("%s is %s, want sent", addr, ds[addr].Status)
		}
	}
	if uncertain > 2 {
		t.Errorf("%d uncertain, want at most one per connection (2)", uncertain)
	}
	if (uncertain > 0) != (code == 1) {
		t.Errorf("exit %d with %d uncertain", code, uncertain)
	}
}

// checkHeldTold checks what herald send said of the deliveries the killed
// process held (left, the ledger after the kill; ds, after the send). With
// SQLite the data folder's lock proves it dead: its claims are taken back
// at once, nothing to wait for. With PostgreSQL they stay under its lease:
// the send says once that it waits for them and until when, then that it
// resumed them when the lease ended, and that those it was handing to the
// relay are held uncertain, and how to resend them.
func checkHeldTold(t *testing.T, site *faultSite, left, ds map[string]store.Delivery, out string) {
	t.Helper()
	claimed, sending, until := 0, 0, time.Time{}
	for _, d := range left {
		switch d.Status {
		case store.DeliveryClaimed:
			claimed++
		case store.DeliverySending:
			sending++
		default:
			continue
		}
		if d.LeaseUntil.After(until) {
			until = d.LeaseUntil
		}
	}
	if site.pg == "" || claimed+sending == 0 {
		if strings.Contains(out, "Waiting for") || strings.Contains(out, "lease ended") {
			t.Errorf("herald send waited for %d claimed and %d sending deliveries on %s:\n%s", claimed, sending, site.storeName(), out)
		}
		return
	}
	at := until.UTC().Format("15:04:05 UTC")
	want := []string{
		fmt.Sprintf("Waiting for %s of issue 1 claimed by another herald (stopped, or still sending ", plural.Grouped(claimed+sending, "delivery")),
		") until " + at + " at the latest\n",
		"The other herald's lease ended at " + at,
	}
	if claimed > 0 {
		want = append(want, fmt.Sprintf(": resuming its %s of issue 1\n", plural.Grouped(claimed, "claimed delivery")))
	}
	if sending > 0 {
		want = append(want, plural.Capitalized(plural.Grouped(sending, "delivery"))+" it was handing to the relay ",
			"held uncertain, not sent again (the relay may have ", "see herald issues show 1; herald send -resend-uncertain -issue 1 sends ")
	}
	for _, w := range want {
		if strings.Count(out, w) != 1 {
			t.Errorf("herald send after the kill does not say once %q:\n%s", w, out)
		}
	}
	uncertain := 0
	for _, d := range ds {
		if d.Status == store.DeliveryUncertain {
			uncertain++
		}
	}
	if uncertain != sending {
		t.Errorf("%d uncertain after the send, want the %d the killed process was handing to the relay", uncertain, sending)
	}
}

func (s *faultSite) storeName() string {
	if s.pg != "" {
		return "PostgreSQL"
	}
	return "SQLite"
}

// TestSendMailsALatePost: a post added after an issue went out but dated
// before it (written in the morning, published at noon) is mailed by the
// next herald send; herald build records when it first saw it too. One
// dated 60 days back is an archive import: never mailed, and said so.
func TestSendMailsALatePost(t *testing.T) {
	now := time.Now().UTC()
	site := outboxSite(t, "")
	db := filepath.Join(site.dir, "data", "herald.db")
	setBaseline(t, db, now.Add(-3*time.Hour))
	site.writePost(t, "first.md", "First", now.Add(-2*time.Hour).Format(time.RFC3339))
	if _, errOut, err := runCmd(t, "subscribers", "add", "-config", site.config, "-confirmed", "reader@example.org"); err != nil {
		t.Fatal(err, errOut)
	}
	if out, errOut, err := runCmd(t, "send", "-config", site.config); err != nil || !strings.Contains(out, "Issue 1: 1 sent") {
		t.Fatalf("first issue: %v\n%s%s", err, out, errOut)
	}
	site.writePost(t, "late.md", "Written this morning", now.Add(-90*time.Minute).Format(time.RFC3339))
	site.writePost(t, "archive.md", "From the old blog", now.AddDate(0, 0, -60).Format("2006-01-02"))
	if _, errOut, err := runCmd(t, "build", "-config", site.config); err != nil {
		t.Fatalf("build: %v\n%s", err, errOut)
	}
	fs := &faultSite{testSite: site, db: db}
	st := fs.open(t)
	lateID := "tag:blog.example.com," + now.Add(-90*time.Minute).Format("2006-01-02") + ":/late"
	seen, err := st.PostsSeen(context.Background(), []string{lateID})
	st.Close()
	if err != nil || seen[lateID].IsZero() || seen[lateID].Before(now) {
		t.Errorf("after herald build, %s first seen at %v (%v), want a time after the test began", lateID, seen[lateID], err)
	}
	out, errOut, err := runCmd(t, "send", "-config", site.config)
	if err != nil || !strings.Contains(out, "Issue 2: 1 sent") {
		t.Fatalf("send after the late post: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(errOut+out, "1 older post not mailed: dated more than 7 days before herald saw it") {
		t.Errorf("the archive post is not reported:\n%s%s", out, errOut)
	}
	text := outboxText(t, site)
	if !strings.Contains(text, "Written this morning") || strings.Contains(text, "From the old blog") {
		t.Errorf("the outbox does not hold the late post alone in issue 2")
	}
}

// TestSendTestCopyNamesTheSetting: a test copy the relay refuses for its
// own reasons says which setting to check.
func TestSendTestCopyNamesTheSetting(t *testing.T) {
	site := newFaultSite(t)
	srv := smtptest.Start(t, smtptest.WithAuth("news", "right"))
	h, p := srv.Addr()
	site.relay(t, h, p, "username = \"news\"\npassword = \"wrong\"\nauth = \"plain\"")
	_, _, err := runCmd(t, "send", "-config", site.config, "-to", "me@example.org")
	if err == nil || !strings.Contains(err.Error(), "check smtp.username and the password") {
		t.Errorf("send -to with a wrong password = %v, want the setting to check", err)
	}
}

// TestProgressLineInterrupted: a line printed in the middle of a send (the
// wait on another herald's lease) starts on a line of its own, not glued
// to the progress line; a finished progress line is left as it is.
func TestProgressLineInterrupted(t *testing.T) {
	var buf strings.Builder
	p := &progressLine{w: &buf, start: time.Now()}
	p.report(10, 60)
	p.interrupt()
	p.interrupt()
	if got := buf.String(); !strings.HasPrefix(got, "\r10/60 sent, ") || strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "\n") {
		t.Errorf("progress then two interruptions wrote %q; want the line ended once", got)
	}
	p.report(60, 60)
	p.interrupt()
	if got := buf.String(); strings.Count(got, "\n") != 2 {
		t.Errorf("a finished progress line was ended again: %q", got)
	}
	(*progressLine)(nil).interrupt() // not a terminal: nothing drawn, nothing to end
}
