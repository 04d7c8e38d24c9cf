package mail

import (
	"github.com/heraldhq/herald/internal/clock/clocktest"

	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOutboxWritesOneFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	at := time.Date(2026, 11, 25, 19, 30, 1, 5, time.UTC)
	o, err := NewOutbox(dir, OutboxClock(clocktest.New(at)))
	if err != nil {
		t.Fatalf("NewOutbox: %v", err)
	}
	m := sampleMessage()
	m.MessageID = "conf/../7@example.com"
	if err := o.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("outbox holds %d entries, want 1 (no temp files left)", len(entries))
	}
	want := "20261125T193001.000000005Z-conf_.._7@example.com.eml"
	if entries[0].Name() != want {
		t.Errorf("file name %q, want %q", entries[0].Name(), want)
	}
	info, _ := entries[0].Info()
	if info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", info.Mode().Perm())
	}
	got, _ := os.ReadFile(filepath.Join(dir, want))
	built, _ := Build(m, nil)
	if !bytes.Equal(got, built) {
		t.Error("file content is not the built message")
	}
}

// TestOutboxConcurrentSends checks that concurrent senders each produce one
// complete file and that no temporary file is left behind.
func TestOutboxConcurrentSends(t *testing.T) {
	dir := t.TempDir()
	o, err := NewOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := sampleMessage()
			m.MessageID = fmt.Sprintf("m%d@example.com", i)
			errs <- o.Send(context.Background(), m)
		}()
	}
	// A tool that reads the outbox by its *.eml files, as operators' scripts
	// do, must never pick up a message still being written.
	stop := make(chan struct{})
	seen := make(chan string, 1)
	go func() {
		defer close(seen)
		for {
			select {
			case <-stop:
				return
			default:
			}
			names, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
			for _, name := range names {
				if strings.HasPrefix(filepath.Base(name), ".") {
					seen <- filepath.Base(name)
					return
				}
			}
		}
	}()
	wg.Wait()
	close(stop)
	if name, ok := <-seen; ok {
		t.Errorf("a reader of *.eml saw the temporary file %s", name)
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != n {
		t.Fatalf("outbox holds %d files, want %d", len(entries), n)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".eml") {
			t.Errorf("unexpected file %q", e.Name())
		}
		raw, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		m := sampleMessage()
		_, m.MessageID, _ = strings.Cut(strings.TrimSuffix(e.Name(), ".eml"), "-")
		if want, _ := Build(m, nil); !bytes.Equal(raw, want) {
			t.Errorf("%s is not the complete message %s", e.Name(), m.MessageID)
		}
	}
}

func TestOutboxErrors(t *testing.T) {
	if _, err := NewOutbox(""); err == nil {
		t.Error("NewOutbox(\"\") succeeded, want an error")
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := NewOutbox(filepath.Join(file, "sub")); err == nil {
		t.Error("NewOutbox under a regular file succeeded, want an error")
	}
	dir := t.TempDir()
	o, _ := NewOutbox(dir)
	bad := sampleMessage()
	bad.Subject = "a\r\nBcc: x@example.net"
	if err := o.Send(context.Background(), bad); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("Send(bad) = %v, want ErrInvalidMessage", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := o.Send(ctx, sampleMessage()); !errors.Is(err, context.Canceled) {
		t.Errorf("Send(cancelled) = %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused messages left %d files", len(entries))
	}
}
