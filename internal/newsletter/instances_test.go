package newsletter

import (
	"github.com/heraldhq/herald/internal/testkit"

	"github.com/heraldhq/herald/internal/clock"

	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/mail/smtptest"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/schedule"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/postgres"
	"github.com/heraldhq/herald/internal/subscriber"
)

// The kill test's helper processes read these.
const (
	envInstDSN   = "HERALD_INSTANCE_DSN"
	envInstSMTP  = "HERALD_INSTANCE_SMTP"
	envInstOwner = "HERALD_INSTANCE_OWNER"
)

const (
	instCount       = 3
	instConnections = 4
	instBatch       = 20
	// instLease is short so that the killed instance's claims are taken
	// over within seconds.
	instLease = 2 * time.Second
	// instTimeout bounds one instance's run; the test takes 15 s here.
	instTimeout = 2 * time.Minute
)

// instSubscribers is the kill test's list size: 10,000, or 3,000 under
// the race detector, which slows the three senders down several times.
func instSubscribers() int {
	if raceEnabled() {
		return 3000
	}
	return 10_000
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// TestInstancesKillOne runs three sending processes on one PostgreSQL
// schema; they all tick the same scheduled run of one issue to 10,000
// subscribers, sharing its deliveries through an SMTP server that
// outlives them. One is killed with SIGKILL in the middle; the other two
// take its claims over when its lease expires and finish. Nobody may get
// the issue twice, and everyone without it must be listed uncertain.
func TestInstancesKillOne(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test sends 10,000 messages from three processes; run without -short")
	}
	dsn := testkit.FreshSchema(t)
	total := instSubscribers()
	seedInstances(t, dsn, total)
	srv := smtptest.Start(t)
	host, port := srv.Addr()
	env := append(os.Environ(), envInstDSN+"="+dsn, fmt.Sprintf("%s=%s:%d", envInstSMTP, host, port))
	var cmds []*exec.Cmd
	for i := range instCount {
		cmds = append(cmds, startInstance(t, env, fmt.Sprint("inst-", i)))
	}
	victim := cmds[1]
	waitCount(t, srv, total/4, victim)
	if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	victim.Wait()
	killed := time.Now()
	held := heldBy(t, dsn, "inst-1#")
	t.Logf("killed inst-1 after %d messages; it held %d deliveries", srv.Stats().Delivered, held)
	if held == 0 {
		t.Error("the killed instance held no delivery: nothing was taken over")
	}
	// Its claims come back within about one lease, which the live
	// instances keep renewing for their own: not after a fixed 5 minutes.
	back := waitReleased(t, dsn, "inst-1#", instTimeout)
	t.Logf("the killed instance's %d claims came back %s after the kill (lease %s)", held, back.Sub(killed).Round(10*time.Millisecond), instLease)
	if took := back.Sub(killed); took > 5*instLease {
		t.Errorf("the killed instance's claims took %s to come back, want about one lease (%s)", took, instLease)
	}
	for _, i := range []int{0, 2} {
		if err := cmds[i].Wait(); err != nil {
			t.Fatalf("instance inst-%d: %v", i, err)
		}
	}
	checkInstances(t, srv, dsn, total)
}

func startInstance(t *testing.T, env []string, owner string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestInstanceHelper$")
	cmd.Env, cmd.Stdout, cmd.Stderr = append(env, envInstOwner+"="+owner), os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A hung instance is killed, so that Wait returns and the test fails.
	watchdog := time.AfterFunc(instTimeout, func() { cmd.Process.Kill() }) //nolint:errcheck // see Wait
	t.Cleanup(func() {
		watchdog.Stop()
		cmd.Process.Kill() //nolint:errcheck // already gone when the test passed
	})
	return cmd
}

// waitCount returns once the server accepted at least k messages; it
// fails when cmd exits first or after a minute.
func waitCount(t *testing.T, srv *smtptest.Server, k int, cmd *exec.Cmd) {
	t.Helper()
	exited := make(chan struct{})
	go func() { cmd.Process.Wait(); close(exited) }() //nolint:errcheck // the exit shows below
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Minute)
	for srv.Stats().Delivered < k {
		select {
		case <-exited:
			t.Fatalf("instance exited with %d of %d messages delivered", srv.Stats().Delivered, k)
		case <-deadline:
			t.Fatalf("only %d of %d messages delivered after a minute", srv.Stats().Delivered, k)
		case <-tick.C:
		}
	}
}

// heldBy counts the deliveries claimed or being sent by workers whose
// owner starts with prefix.
func heldBy(t *testing.T, dsn, prefix string) int {
	t.Helper()
	st := openPG(t, dsn)
	defer st.Close()
	is := onlyIssue(t, st)
	n := 0
	for _, status := range []store.DeliveryStatus{store.DeliveryClaimed, store.DeliverySending} {
		ds, err := st.ListDeliveries(context.Background(), is.ID, status, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if strings.HasPrefix(d.Owner, prefix) {
				n++
			}
		}
	}
	return n
}

// waitReleased polls until no delivery is held by an owner starting with
// prefix and returns when that was seen; it fails after limit.
func waitReleased(t *testing.T, dsn, prefix string, limit time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(limit)
	for heldBy(t, dsn, prefix) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("deliveries still held by %s after %s", prefix, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Now()
}

// onlyIssue returns the store's one issue, failing unless there is
// exactly one.
func onlyIssue(t *testing.T, st store.Store) store.Issue {
	t.Helper()
	issues, err := st.ListIssues(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 1 {
		t.Fatalf("%d issues in the store, want exactly 1", len(issues))
	}
	return issues[0]
}

// checkInstances asserts: one issue, now sent; no duplicate; everyone
// without the issue listed uncertain, at most one per connection of the
// killed instance; every other delivery sent.
func checkInstances(t *testing.T, srv *smtptest.Server, dsn string, total int) {
	t.Helper()
	got := map[string]int{}
	for _, m := range srv.Messages() {
		for _, to := range m.To {
			got[to]++
		}
	}
	st := openPG(t, dsn)
	defer st.Close()
	ctx := context.Background()
	is := onlyIssue(t, st)
	if is.Status != store.IssueSent {
		t.Errorf("issue status %q, want %q", is.Status, store.IssueSent)
	}
	uncertain, err := st.ListDeliveries(ctx, is.ID, store.DeliveryUncertain, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, d := range uncertain {
		listed[d.Email] = true
	}
	missing := 0
	for i := range total {
		addr := crashEmail(i)
		switch {
		case got[addr] > 1:
			t.Errorf("%s received the issue %d times", addr, got[addr])
		case got[addr] == 0 && !listed[addr]:
			t.Errorf("%s received nothing and is not listed uncertain", addr)
		case got[addr] == 0:
			missing++
		}
	}
	if len(uncertain) > instConnections {
		t.Errorf("%d uncertain deliveries, want at most %d (one per connection of the killed instance)", len(uncertain), instConnections)
	}
	counts, err := st.DeliveryCounts(ctx, is.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.DeliverySent] != total-len(uncertain) {
		t.Errorf("ledger counts %v: want %d sent and %d uncertain", counts, total-len(uncertain), len(uncertain))
	}
	t.Logf("%d recipients, %d received it, %d uncertain (%d of them never arrived)", total, len(got), len(uncertain), missing)
}

// TestInstanceHelper is one sending instance of TestInstancesKillOne; it
// does nothing unless started by it.
func TestInstanceHelper(t *testing.T) {
	dsn, addr, owner := os.Getenv(envInstDSN), os.Getenv(envInstSMTP), os.Getenv(envInstOwner)
	if dsn == "" {
		t.Skip("helper process of TestInstancesKillOne")
	}
	ctx := context.Background()
	st := openPG(t, dsn)
	defer st.Close()
	host, portText, _ := cutLast(addr, ":")
	port, _ := strconv.Atoi(portText)
	n, closeTr := instanceEngine(t, st, host, port, owner, nil)
	defer closeTr()
	if err := n.Recover(ctx, false); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Tick(ctx, schedule.Run{At: crashRun}); err != nil {
		t.Fatal(err)
	}
}

// instanceEngine returns an engine with its own SMTP transport, owner and
// a short lease on the real clock; posts nil sends crashOptions' post.
func instanceEngine(tb testing.TB, st store.Store, host string, port int, owner string, posts func() []*post.Post) (*Newsletter, func()) {
	tb.Helper()
	tr, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: port, TLS: "none", Connections: instConnections}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	opts := crashOptions(st, tr)
	opts.Owner, opts.Lease, opts.Clock, opts.Batch = owner, instLease, clock.System{}, instBatch
	if posts != nil {
		opts.Posts = posts
	}
	n, err := New(opts)
	if err != nil {
		tr.Close()
		tb.Fatal(err)
	}
	return n, func() { tr.Close() }
}

// seedInstances imports total active subscribers in one call and records
// a baseline a day before crashRun.
func seedInstances(tb testing.TB, dsn string, total int) {
	tb.Helper()
	ctx := context.Background()
	st := openPG(tb, dsn)
	defer st.Close()
	subs := make([]subscriber.Subscriber, total)
	for i := range subs {
		subs[i] = subscriber.Subscriber{Email: crashEmail(i), EmailKey: crashEmail(i), Status: subscriber.Active}
	}
	if _, err := st.Import(ctx, subs, crashRun.AddDate(0, 0, -7)); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.SetSettingIfAbsent(ctx, baselineKey, crashRun.AddDate(0, 0, -1).Format(time.RFC3339Nano)); err != nil {
		tb.Fatal(err)
	}
}

func openPG(tb testing.TB, dsn string) *postgres.Store {
	tb.Helper()
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open postgres store: %v", err)
	}
	return st
}

// BenchmarkSendInstances sends one issue to 10,000 subscribers per
// iteration with 1, 2 and 3 engines (each its own store pool, SMTP
// transport of 4 connections and Owner, as separate instances would) on
// one PostgreSQL schema, through a server that discards the messages.
func BenchmarkSendInstances(b *testing.B) {
	for _, k := range []int{1, 2, 3} {
		b.Run(strconv.Itoa(k), func(b *testing.B) { benchInstances(b, k, 10_000) })
	}
}

func benchInstances(b *testing.B, k, subs int) {
	dsn := testkit.FreshSchema(b)
	seedInstances(b, dsn, subs)
	srv := smtptest.Start(b, smtptest.WithDiscard())
	host, port := srv.Addr()
	var posts []*post.Post // written only between iterations
	engines := make([]*Newsletter, k)
	for i := range engines {
		st := openPG(b, dsn)
		b.Cleanup(func() { st.Close() })
		n, closeTr := instanceEngine(b, st, host, port, fmt.Sprint("bench-", i), func() []*post.Post { return posts })
		b.Cleanup(closeTr)
		engines[i] = n
	}
	run := 0
	for b.Loop() {
		run++
		at := crashRun.Add(time.Duration(run) * time.Hour)
		posts = append([]*post.Post{{ID: "p" + strconv.Itoa(run), Title: "Bench", Date: at.Add(-time.Minute),
			Permalink: "https://blog.example.com/posts/bench/"}}, posts...)
		tickAll(b, engines, at)
	}
	b.ReportMetric(float64(subs*b.N)/b.Elapsed().Seconds(), "msgs/s")
	if got := srv.Stats().Delivered; got != subs*run {
		b.Fatalf("server accepted %d messages, want %d", got, subs*run)
	}
}

// tickAll has every engine tick the run at at once and waits for them.
func tickAll(b *testing.B, engines []*Newsletter, at time.Time) {
	var wg sync.WaitGroup
	for i, n := range engines {
		wg.Go(func() {
			if _, err := n.Tick(context.Background(), schedule.Run{At: at}); err != nil {
				b.Errorf("engine %d: tick %s: %v", i, at, err)
			}
		})
	}
	wg.Wait()
}
