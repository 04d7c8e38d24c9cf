package newsletter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/subscriber"
)

// TestOneClickOnlyOverHTTPS: an issue whose unsubscribe link is http has
// List-Unsubscribe but not List-Unsubscribe-Post, which RFC 8058 allows
// over https only; with https it has both, and the List-Id and Reply-To.
func TestOneClickOnlyOverHTTPS(t *testing.T) {
	for _, scheme := range []string{"http", "https"} {
		t.Run(scheme, func(t *testing.T) {
			f := newFixture(t)
			n := f.engine(daily(t), func(o *Options) {
				o.ReplyTo, o.ListID = "editor@blog.example.com", "Zoë’s Notes <news.blog.example.com>"
				o.Links = func(sub subscriber.Subscriber) (string, string) {
					id := sub.ID
					return fmt.Sprintf("%s://herald.example.com/unsubscribe/u%d", scheme, id), "https://herald.example.com/p"
				}
			})
			f.start(n)
			f.subscribe("ann@example.com")
			f.addPost("a", t0.Add(time.Minute), nil)
			f.tickAt(n, nineAM(0))
			sent := f.tr.all()
			if len(sent) != 1 {
				t.Fatalf("%d messages, want 1", len(sent))
			}
			raw := string(sent[0].raw)
			head := raw[:strings.Index(raw, "\r\n\r\n")]
			if got := strings.Contains(head, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click"); got != (scheme == "https") {
				t.Errorf("List-Unsubscribe-Post present %v over %s:\n%s", got, scheme, head)
			}
			for _, h := range []string{"\r\nList-Unsubscribe:", "\r\nReply-To: <editor@blog.example.com>",
				"\r\nList-Id: =?utf-8?b?Wm/Dq+KAmXMgTm90ZXM=?= <news.blog.example.com>\r\n"} {
				if !strings.Contains(head, h) {
					t.Errorf("no %q in:\n%s", strings.TrimSpace(h), head)
				}
			}
		})
	}
}
