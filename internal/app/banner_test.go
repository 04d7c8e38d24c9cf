package app

import (
	"context"
	"strings"
	"testing"
)

// TestBannerAndPublicURLWarning: the banner's health and metrics URLs use
// the address herald listens on, and a public_url naming another port of
// this machine is warned about (testConfig's public_url is port 9).
func TestBannerAndPublicURLWarning(t *testing.T) {
	cfg := testConfigWithPost(t)
	banner, logs := &syncBuffer{}, &syncBuffer{}
	d, err := Start(context.Background(), cfg, Env{Stdout: banner, Stderr: logs})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { d.stopLoop(); d.Wait() }()
	want := "health:      http://" + d.addr + "/healthz   metrics: http://" + d.addr + "/metrics"
	if !strings.Contains(banner.String(), want) {
		t.Errorf("banner:\n%s\nwant the line %q", banner.String(), want)
	}
	if !strings.Contains(logs.String(), "Public URL points at another port") || !strings.Contains(logs.String(), "http://127.0.0.1:9") {
		t.Errorf("no warning about public_url in the log:\n%s", logs.String())
	}
}
