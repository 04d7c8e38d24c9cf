package smtptest

import (
	"errors"
	"fmt"
	"net/smtp"
	"net/textproto"
	"testing"
)

func dial(t *testing.T, s *Server) *smtp.Client {
	t.Helper()
	host, port := s.Addr()
	c, err := smtp.Dial(fmt.Sprintf("%s:%d", host, port))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func send(c *smtp.Client, to, body string) error {
	if err := c.Mail("from@example.com"); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		c.Reset()
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "Subject: test\r\n\r\n%s\r\n", body); err != nil {
		return err
	}
	return w.Close()
}

func code(err error) int {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code
	}
	return 0
}

func TestRecordsMessages(t *testing.T) {
	s := Start(t)
	c := dial(t, s)
	for i := range 3 {
		if err := send(c, fmt.Sprintf("r%d@example.org", i), fmt.Sprint("body ", i)); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	got := s.Messages()
	if len(got) != 3 || got[2].To[0] != "r2@example.org" || got[2].From != "from@example.com" {
		t.Fatalf("messages %+v", got)
	}
	if string(got[1].Data) != "Subject: test\r\n\r\nbody 1\r\n" {
		t.Errorf("data %q", got[1].Data)
	}
	if st := s.Stats(); st.Connections != 1 || st.Delivered != 3 {
		t.Errorf("stats %+v", st)
	}
}

func TestReplyBehaviours(t *testing.T) {
	tests := []struct {
		name  string
		rule  string
		code  int
		times int
		rcpts []string
		want  []int // reply code per send, 0 for accepted
	}{
		{"once", "a@example.org", 451, 1, []string{"a@example.org", "a@example.org"}, []int{451, 0}},
		{"twice", "a@example.org", 450, 2, []string{"a@example.org", "a@example.org", "a@example.org"}, []int{450, 450, 0}},
		{"always", "a@example.org", 550, 0, []string{"a@example.org", "a@example.org", "b@example.org"}, []int{550, 550, 0}},
		{"whole domain", "@slow.example", 421, 0, []string{"x@slow.example", "y@SLOW.example", "z@fast.example"}, []int{421, 421, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start(t)
			s.Reply(tt.rule, tt.code, tt.times)
			c := dial(t, s)
			for i, r := range tt.rcpts {
				if got := code(send(c, r, "x")); got != tt.want[i] {
					t.Errorf("send %d to %s: code %d, want %d", i, r, got, tt.want[i])
				}
			}
		})
	}
}

func TestClearAndDiscard(t *testing.T) {
	s := Start(t, WithDiscard())
	s.Reply("a@example.org", 550, 0)
	s.Clear("A@example.org")
	c := dial(t, s)
	if err := send(c, "a@example.org", "x"); err != nil {
		t.Fatalf("send after Clear: %v", err)
	}
	if st := s.Stats(); st.Delivered != 1 || len(s.Messages()) != 0 {
		t.Errorf("discarding server: stats %+v, %d messages kept", st, len(s.Messages()))
	}
	s.SetDiscard(false)
	if err := send(c, "a@example.org", "y"); err != nil || len(s.Messages()) != 1 {
		t.Errorf("after SetDiscard(false): %v, %d messages", err, len(s.Messages()))
	}
}

func TestDropInData(t *testing.T) {
	s := Start(t)
	s.DropInData("a@example.org", 1)
	c := dial(t, s)
	if err := send(c, "a@example.org", "x"); err == nil {
		t.Fatal("send succeeded through a dropped connection")
	}
	if st := s.Stats(); st.Dropped != 1 || st.Delivered != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestAuthRequired(t *testing.T) {
	s := Start(t, WithAuth("ada", "s3cret"))
	c := dial(t, s)
	if got := code(send(c, "a@example.org", "x")); got != 530 {
		t.Errorf("MAIL without AUTH: code %d, want 530", got)
	}
	host, _ := s.Addr()
	if err := c.Auth(smtp.CRAMMD5Auth("ada", "wrong")); code(err) != 535 {
		t.Errorf("CRAM-MD5 with a wrong password: %v, want 535", err)
	}
	c = dial(t, s) // net/smtp closes the connection after a failed AUTH
	if err := c.Auth(smtp.PlainAuth("", "ada", "s3cret", host)); err != nil {
		t.Fatalf("AUTH PLAIN: %v", err)
	}
	if err := send(c, "a@example.org", "x"); err != nil {
		t.Fatalf("send after AUTH: %v", err)
	}
	if got := s.Messages(); len(got) != 1 || got[0].User != "ada" {
		t.Errorf("messages %+v, want one from user ada", got)
	}
}
