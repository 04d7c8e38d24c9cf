package app

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestHTTPFailureStopsLoopFirst fails the HTTP server while reloads are
// requested: Wait must stop the loop and wait for it before it reads the
// config and closes the parts (run with -race to see the difference).
func TestHTTPFailureStopsLoopFirst(t *testing.T) {
	cfg := testConfigWithPost(t)
	hup := make(chan os.Signal, 1)
	logs := &syncBuffer{}
	d, err := Start(context.Background(), cfg, Env{Stdout: io.Discard, Stderr: logs, Hup: hup})
	if err != nil {
		t.Fatal(err)
	}
	stopHUP, hupDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(hupDone)
		for {
			select {
			case hup <- syscall.SIGHUP:
				os.WriteFile(cfg.File, []byte(strings.Replace(testConfig, "Test blog", "Other blog", 1)), 0o644)
			case <-stopHUP:
				return
			}
		}
	}()
	d.srv.Close() // Serve returns: the daemon's HTTP server failed
	err = d.Wait()
	close(stopHUP)
	<-hupDone // no write into the folder the test removes
	if !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Wait = %v, want the HTTP server's error", err)
	}
	select {
	case <-d.loopDone:
		t.Error("the loop's result was left for someone else: Wait did not wait for it")
	default:
	}
	if !strings.Contains(logs.String(), "Stopped") {
		t.Errorf("no shutdown in the log:\n%s", logs.String())
	}
}
