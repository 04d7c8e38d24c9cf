package mail

import (
	"bytes"
	netmail "net/mail"
	"testing"
)

// FuzzBuildHeaders feeds arbitrary subjects, names and header values to
// Build: it either refuses them or builds a message whose header fields are
// exactly the expected ones (nothing injected).
func FuzzBuildHeaders(f *testing.F) {
	f.Add("Hello", "Grace", "<https://example.com/u/1>")
	f.Add("Hi\r\nBcc: x@example.net", "Eve", "v")
	f.Add("Café", "Zoë\nX-Evil: 1", "<https://x>\rBcc: y@example.net")
	f.Add("a: b", "\"quoted\" <name>", "=?utf-8?q?x?=")
	f.Fuzz(func(t *testing.T, subject, name, value string) {
		m := sampleMessage()
		m.Subject, m.To.Name, m.Headers[0].Value = subject, name, value
		raw, err := Build(m, nil)
		if err != nil {
			return
		}
		parsed, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("built message does not parse: %v\n%s", err, raw)
		}
		want := map[string]bool{
			"Date": true, "Message-Id": true, "Mime-Version": true, "Subject": true, "From": true, "To": true,
			"Reply-To": true, "Content-Type": true, "List-Unsubscribe": true, "List-Unsubscribe-Post": true, "List-Id": true,
		}
		for k, v := range parsed.Header {
			if !want[k] || len(v) != 1 {
				t.Fatalf("unexpected header %s: %q\n%s", k, v, raw)
			}
		}
	})
}
