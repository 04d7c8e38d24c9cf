package smtptest

import (
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// Fault is the step at which a Faulty relay refuses.
type Fault string

const (
	FaultGreeting Fault = "greeting" // answers every connection with the code and closes it
	FaultEHLO     Fault = "ehlo"     // answers EHLO and HELO with the code
)

// FaultyRelay is a scripted relay on 127.0.0.1 that refuses every
// connection at one step. It counts the connections it saw.
type FaultyRelay struct {
	*Listener
}

// Faulty starts a relay refusing at step with code (e.g. 554 or 421) and
// stops it when t ends.
func Faulty(t testing.TB, step Fault, code int) *FaultyRelay {
	t.Helper()
	return &FaultyRelay{Listen(t, func(c net.Conn) { play(c, step, code) })}
}

func play(c net.Conn, step Fault, code int) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tc := textproto.NewConn(c)
	if step == FaultGreeting {
		tc.PrintfLine("%d smtptest: refused as told", code)
		return
	}
	tc.PrintfLine("220 smtptest faulty ESMTP")
	for {
		line, err := tc.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		switch verb {
		case "EHLO", "HELO":
			tc.PrintfLine("%d smtptest: %s refused as told", code, verb)
		case "QUIT":
			tc.PrintfLine("221 bye")
			return
		default:
			tc.PrintfLine("503 smtptest: bad sequence")
		}
	}
}
