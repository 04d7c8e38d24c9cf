package testkit

import (
	"math/rand/v2"
	"net"
	"strconv"
	"testing"
)

// FreeAddr returns a loopback address with a port that is free now, for a
// server the test starts in another process (or restarts on the same
// port). The port lies below Linux's ephemeral range (32768 and up), so
// the kernel never hands it out as the source port of an outgoing
// connection in the meantime, which made restarts on the same port fail
// with "address already in use" on a busy machine.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	for range 200 {
		port := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}
	tb.Fatal("no free loopback port between 20000 and 32000")
	return ""
}
