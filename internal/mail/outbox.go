package mail

import (
	"github.com/heraldhq/herald/internal/clock"

	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Outbox is a Transport that writes each message as an .eml file into a
// folder instead of sending it: the delivery path of a fresh checkout with no
// SMTP server, and of `herald send -dry-run`. It is safe for concurrent use.
type Outbox struct {
	dir  string
	dkim *DKIM
	now  func() time.Time
}

// OutboxOption configures an Outbox.
type OutboxOption func(*Outbox)

// OutboxDKIM signs the written messages with d (nil: unsigned, the default).
func OutboxDKIM(d *DKIM) OutboxOption { return func(o *Outbox) { o.dkim = d } }

// OutboxClock sets the clock that stamps file names (default the system
// clock).
func OutboxClock(c clock.Clock) OutboxOption { return func(o *Outbox) { o.now = c.Now } }

// NewOutbox returns an Outbox writing into dir, which it creates (mode 0750)
// when missing.
func NewOutbox(dir string, opts ...OutboxOption) (*Outbox, error) {
	if dir == "" {
		return nil, fmt.Errorf("outbox folder is empty")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create outbox folder: %w", err)
	}
	o := &Outbox{dir: dir, now: time.Now}
	for _, opt := range opts {
		opt(o)
	}
	return o, nil
}

// Dir returns the folder the Outbox writes into.
func (o *Outbox) Dir() string { return o.dir }

// Send builds m and writes it as "<timestamp>-<message id>.eml" (mode 0640)
// atomically: a reader never sees a partial file. The timestamp is UTC
// "20060102T150405.000000000Z", so names sort in writing order.
func (o *Outbox) Send(ctx context.Context, m *Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("outbox send: %w", err)
	}
	raw, err := prebuilt(m, o.dkim)
	if err != nil {
		return err
	}
	if err := m.HandOff(); err != nil {
		return err
	}
	name := o.now().UTC().Format("20060102T150405.000000000Z") + "-" + sanitize(m.MessageID) + ".eml"
	return writeAtomic(filepath.Join(o.dir, name), raw)
}

// Build builds m as Send would (signed when the outbox signs).
func (o *Outbox) Build(m *Message) ([]byte, error) { return Build(m, o.dkim) }

// Close does nothing; it makes Outbox a Transport.
func (o *Outbox) Close() error { return nil }

func writeAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.part") // never *.eml until complete
	if err != nil {
		return fmt.Errorf("outbox create temp file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("outbox write %s: %w", tmp.Name(), err)
	}
	if err = tmp.Chmod(0o640); err != nil {
		return fmt.Errorf("outbox chmod %s: %w", tmp.Name(), err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("outbox sync %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("outbox close %s: %w", tmp.Name(), err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("outbox rename to %s: %w", path, err)
	}
	return nil
}

// sanitize keeps letters, digits, '.', '-', '_' and '@' of a message id and
// replaces everything else with '_', so the id is a safe file name part.
func sanitize(id string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		case r == '.' || r == '-' || r == '_' || r == '@':
			return r
		}
		return '_'
	}, id)
}
