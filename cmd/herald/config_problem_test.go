package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestOneConfigProblemIsIt checks the summary line's grammar for one
// problem and for two.
func TestOneConfigProblemIsIt(t *testing.T) {
	for _, tc := range []struct {
		extra, want string
	}{
		{"[feeds]\nlimit = 0\n", "has 1 problem; fix it and run again"},
		{"[feeds]\nlimit = 0\n[newsletter]\nmode = \"weekly\"\n", "has 2 problems; fix them and run again"},
	} {
		site := newTestSite(t, "Test blog")
		site.writeConfig(t, fmt.Sprintf(testConfig, "Test blog")+tc.extra)
		_, errOut, err := runCmd(t, "check", "-config", site.config)
		if err == nil || !strings.Contains(errOut, tc.want) {
			t.Errorf("check: %v\n%s\nwant %q", err, errOut, tc.want)
		}
	}
}
