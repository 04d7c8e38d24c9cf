package smtptest

import (
	"fmt"
	"strings"

	"github.com/emersion/go-smtp"
)

type action int

const (
	actReply action = iota + 1
	actDrop
	actStall
	actHangUp
)

// rule is a behaviour for one recipient; remaining < 0 means always.
type rule struct {
	act       action
	code      int
	remaining int
}

// Reply makes the server answer RCPT TO for rcpt with code (e.g. 421, 450,
// 451, 452, 454, 550) the next times times, or always when times <= 0.
// rcpt is an address or "@domain" for a whole domain.
func (s *Server) Reply(rcpt string, code, times int) {
	s.setRule(rcpt, &rule{act: actReply, code: code, remaining: remaining(times)})
}

// DropInData makes the server close the connection in the middle of the
// DATA of a message to rcpt, the next times times (always when <= 0).
func (s *Server) DropInData(rcpt string, times int) {
	s.setRule(rcpt, &rule{act: actDrop, remaining: remaining(times)})
}

// Stall makes the server read the DATA of a message to rcpt and then never
// answer, until the test ends; the next times times (always when <= 0).
func (s *Server) Stall(rcpt string, times int) {
	s.setRule(rcpt, &rule{act: actStall, remaining: remaining(times)})
}

// HangUpAfterData makes the server read the whole message to rcpt, keep it
// (it is in Messages and counted Delivered) and close the connection
// without answering the final dot, the next times times (always when <= 0):
// the relay has the message but the client cannot know it.
func (s *Server) HangUpAfterData(rcpt string, times int) {
	s.setRule(rcpt, &rule{act: actHangUp, remaining: remaining(times)})
}

// RefuseSender makes the server answer MAIL FROM with code (e.g. 553) from
// now on; 0 accepts the sender again.
func (s *Server) RefuseSender(code int) {
	s.mu.Lock()
	s.senderCode = code
	s.mu.Unlock()
}

// Clear removes the behaviour set for rcpt.
func (s *Server) Clear(rcpt string) {
	s.mu.Lock()
	delete(s.rules, strings.ToLower(rcpt))
	s.mu.Unlock()
}

func remaining(times int) int {
	if times <= 0 {
		return -1
	}
	return times
}

func (s *Server) setRule(rcpt string, r *rule) {
	s.mu.Lock()
	s.rules[strings.ToLower(rcpt)] = r
	s.mu.Unlock()
}

// take returns the action for rcpt among acts and uses up one of its times;
// nil when none applies. The exact address wins over its domain.
func (s *Server) take(rcpt string, acts ...action) *rule {
	rcpt = strings.ToLower(rcpt)
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := []string{rcpt}
	if at := strings.LastIndexByte(rcpt, '@'); at >= 0 {
		keys = append(keys, rcpt[at:])
	}
	for _, k := range keys {
		r := s.rules[k]
		if r == nil || r.remaining == 0 || !hasAction(acts, r.act) {
			continue
		}
		if r.remaining > 0 {
			r.remaining--
		}
		s.count(r.act)
		return &rule{act: r.act, code: r.code}
	}
	return nil
}

// count updates the counters for act; s.mu is held.
func (s *Server) count(act action) {
	switch act {
	case actReply:
		s.stats.Rejected++
	case actDrop:
		s.stats.Dropped++
	case actStall:
		s.stats.Stalled++
	case actHangUp:
		s.stats.HungUp++
	}
}

func hasAction(acts []action, a action) bool {
	for _, x := range acts {
		if x == a {
			return true
		}
	}
	return false
}

// replyError is the SMTP error a Reply behaviour answers with.
func replyError(code int) *smtp.SMTPError {
	class := code / 100
	return &smtp.SMTPError{
		Code:         code,
		EnhancedCode: smtp.EnhancedCode{class, 0, 0},
		Message:      fmt.Sprintf("smtptest: reply %d as told", code),
	}
}
