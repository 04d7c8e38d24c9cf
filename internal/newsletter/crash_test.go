package newsletter

import (
	"github.com/heraldhq/herald/internal/clock/clocktest"

	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	netmail "net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/mail/smtptest"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/subscriber"
	"github.com/heraldhq/herald/templates"
)

// The crash test's helper process reads these.
const (
	envCrashDB   = "HERALD_CRASH_DB"
	envCrashSMTP = "HERALD_CRASH_SMTP"
)

const (
	crashSubscribers = 3000
	crashConnections = 4
)

// crashRun is the run the helper sends, a minute before its fixed clock.
var crashRun = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

// TestCrashResume kills the sending process with SIGKILL at random points
// while it sends one issue to 3,000 subscribers through a real SMTP server
// that outlives it, restarts it, and counts what each recipient received.
func TestCrashResume(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test sends 3,000 messages; run without -short")
	}
	path := filepath.Join(t.TempDir(), "herald.db")
	seedCrashDB(t, path)
	srv := smtptest.Start(t)
	host, port := srv.Addr()
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 0))
	kills := []int{rng.IntN(1000) + 1, rng.IntN(1000) + 1000, rng.IntN(900) + 2000}
	t.Logf("seed %d: kill after %v messages delivered", seed, kills)
	env := append(os.Environ(), envCrashDB+"="+path, fmt.Sprintf("%s=%s:%d", envCrashSMTP, host, port))
	for _, at := range kills {
		cmd := startHelper(t, env)
		waitDelivered(t, srv, at, cmd)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
	}
	cmd := startHelper(t, env)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("final helper run: %v", err)
	}
	checkReceived(t, srv, path, len(kills))
}

func startHelper(t *testing.T, env []string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$")
	cmd.Env, cmd.Stderr = env, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// waitDelivered returns once the server accepted at least k messages, or
// fails when the helper exits first.
func waitDelivered(t *testing.T, srv *smtptest.Server, k int, cmd *exec.Cmd) {
	t.Helper()
	exited := make(chan struct{})
	go func() { cmd.Process.Wait(); close(exited) }() //nolint:errcheck // the exit shows below
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for srv.Stats().Delivered < k {
		select {
		case <-exited:
			t.Fatalf("helper exited with %d of %d messages delivered", srv.Stats().Delivered, k)
		case <-tick.C:
		}
	}
}

// checkReceived asserts no duplicates and that everyone without the issue
// is listed uncertain, at most one per connection per crash.
func checkReceived(t *testing.T, srv *smtptest.Server, path string, crashes int) {
	t.Helper()
	got := map[string]int{}
	for _, m := range srv.Messages() {
		for _, to := range m.To {
			got[to]++
		}
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	is, err := st.LastIssue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	uncertain, err := st.ListDeliveries(context.Background(), is.ID, store.DeliveryUncertain, 0)
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]bool{}
	for _, d := range uncertain {
		held[d.Email] = true
	}
	missing := 0
	for i := range crashSubscribers {
		addr := crashEmail(i)
		switch {
		case got[addr] > 1:
			t.Errorf("%s received the issue %d times", addr, got[addr])
		case got[addr] == 0 && !held[addr]:
			t.Errorf("%s received nothing and is not listed uncertain", addr)
		case got[addr] == 0:
			missing++
		}
	}
	if len(uncertain) > crashConnections*crashes {
		t.Errorf("%d uncertain deliveries, want at most %d (one per connection per crash)", len(uncertain), crashConnections*crashes)
	}
	t.Logf("%d crashes: %d delivered, %d uncertain (%d of them never arrived)", crashes, len(got), len(uncertain), missing)
}

func crashEmail(i int) string { return "r" + strconv.Itoa(i) + "@example.com" }

func seedCrashDB(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	subs := make([]subscriber.Subscriber, crashSubscribers)
	for i := range subs {
		subs[i] = subscriber.Subscriber{Email: crashEmail(i), EmailKey: crashEmail(i), Status: subscriber.Active}
	}
	if _, err := st.Import(ctx, subs, crashRun.AddDate(0, 0, -7)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetSettingIfAbsent(ctx, baselineKey, crashRun.AddDate(0, 0, -1).Format(time.RFC3339Nano)); err != nil {
		t.Fatal(err)
	}
}

// TestCrashHelper is the sending process of TestCrashResume; it does
// nothing unless started by it.
func TestCrashHelper(t *testing.T) {
	path, addr := os.Getenv(envCrashDB), os.Getenv(envCrashSMTP)
	if path == "" {
		t.Skip("helper process of TestCrashResume")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	host, portText, _ := cutLast(addr, ":")
	port, _ := strconv.Atoi(portText)
	tr, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: port, TLS: "none", Connections: crashConnections}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	n, err := New(crashOptions(st, tr))
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Recover(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := n.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if err := n.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
}

func crashOptions(st store.Store, tr mail.Transport) Options {
	p := &post.Post{ID: "crash", Slug: "crash", Title: "Crash", Date: crashRun.Add(-time.Hour),
		Permalink: "https://blog.example.com/posts/crash/"}
	sched := mustSchedule("0 9 * * *")
	return Options{
		Store: st, Transport: tr, Posts: func() []*post.Post { return []*post.Post{p} }, Schedule: sched,
		From: netmail.Address{Address: "news@blog.example.com"},
		Links: func(sub subscriber.Subscriber) (string, string) {
			id := sub.ID
			return "https://h.example.com/unsubscribe/" + strconv.FormatInt(id, 10), "https://h.example.com/preferences/x"
		},
		Templates: templates.Embedded(), Site: Site{Title: "Blog", URL: "https://blog.example.com/"},
		Workers: crashConnections, Batch: 20, RetryBase: 10 * time.Millisecond, Owner: "crash",
		Clock:  clocktest.Stopped{At: crashRun.Add(time.Minute)},
		Logger: slog.New(slog.DiscardHandler),
	}
}
