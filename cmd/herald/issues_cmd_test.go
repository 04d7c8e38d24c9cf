package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/mail/smtptest"
	"github.com/heraldhq/herald/internal/newsletter"
)

// TestIssuesCommand sends an issue in which one recipient is refused and
// one is left uncertain, then reads the record back with herald issues
// and herald issues show, as text and JSON.
func TestIssuesCommand(t *testing.T) {
	site := newFaultSite(t)
	srv := smtptest.Start(t)
	srv.Reply(faultRcpt(2), 550, 0)
	srv.HangUpAfterData(faultRcpt(4), 1)
	h, p := srv.Addr()
	site.relay(t, h, p, "")
	if out, code, _ := site.send(t, context.Background()); code != 1 {
		t.Fatalf("send: exit %d, want 1 (a failure and an uncertain delivery)\n%s", code, out)
	}

	out, errOut, err := runCmd(t, "issues", "-config", site.config)
	if err != nil {
		t.Fatalf("issues: %v\n%s", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "UNCERTAIN") {
		t.Fatalf("issues listed:\n%s", out)
	}
	if f := strings.Fields(lines[1]); len(f) < 11 || f[0] != "1" || f[3] != "digest" || f[4] != "1" ||
		f[5] != "10" || f[6] != "1" || f[7] != "0" || f[8] != "1" || f[9] != "0" || f[10] != "sent" {
		t.Errorf("issue line %q, want id 1, digest, 1 post, 10 sent, 1 failed, 0 skipped, 1 uncertain, 0 pending, sent", lines[1])
	}

	out, errOut, err = runCmd(t, "issues", "-config", site.config, "-json")
	if err != nil {
		t.Fatalf("issues -json: %v\n%s", err, errOut)
	}
	var list []newsletter.IssueReport
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
		t.Fatalf("issues -json: %v\n%s", err, out)
	}
	if l := list[0]; l.Sent != 10 || l.Failed != 1 || l.Uncertain != 1 || l.Pending != 0 || len(l.Posts) != 1 {
		t.Errorf("issues -json row %+v", l)
	}

	out, errOut, err = runCmd(t, "issues", "show", "1", "-config", site.config)
	if err != nil {
		t.Fatalf("issues show: %v\n%s", err, errOut)
	}
	for _, want := range []string{"Posts: tag:blog.example.com,", "10 sent, 1 failed, 0 skipped, 1 uncertain",
		faultRcpt(2) + "  after 1 attempt: smtp rcpt to", "550", "Uncertain (1)", faultRcpt(4) + "  smtp end of data"} {
		if !strings.Contains(out, want) {
			t.Errorf("issues show lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCmd(t, "issues", "show", "1", "-json", "-config", site.config)
	var d newsletter.IssueDetail
	if err != nil || json.Unmarshal([]byte(out), &d) != nil {
		t.Fatalf("issues show -json: %v\n%s", err, out)
	}
	if len(d.FailedDeliveries) != 1 || d.FailedDeliveries[0].Email != faultRcpt(2) ||
		len(d.UncertainDeliveries) != 1 || d.UncertainDeliveries[0].Email != faultRcpt(4) {
		t.Errorf("issues show -json: failed %+v uncertain %+v", d.FailedDeliveries, d.UncertainDeliveries)
	}
	if _, _, err := runCmd(t, "issues", "show", "7", "-config", site.config); err == nil || !strings.Contains(err.Error(), "no issue 7") {
		t.Errorf("issues show 7 = %v, want no issue 7", err)
	}
	if _, _, err := runCmd(t, "issues", "show", "-config", site.config); !errors.Is(err, errUsage) {
		t.Errorf("issues show without id = %v, want a usage error", err)
	}

	// The uncertain one is sent again on request, with its Message-ID.
	out, errOut, err = runCmd(t, "send", "-config", site.config, "-resend-uncertain")
	if err != nil || !strings.Contains(out, "1 uncertain delivery of every issue sent again") {
		t.Fatalf("send -resend-uncertain: %v\n%s%s", err, out, errOut)
	}
	if got := received(srv); got[faultRcpt(4)] != 2 {
		t.Errorf("%s has %d copies after the resend, want 2 (the relay kept the first)", faultRcpt(4), got[faultRcpt(4)])
	}
}
