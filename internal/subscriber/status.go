package subscriber

import "fmt"

// Statuses lists every status, in the order of a subscriber's life.
func Statuses() []Status { return []Status{Pending, Active, Unsubscribed, Bounced} }

// Valid reports whether st is one of Statuses.
func (st Status) Valid() bool {
	switch st {
	case Pending, Active, Unsubscribed, Bounced:
		return true
	}
	return false
}

// ParseStatus reads a status as herald writes it; the empty string is an
// error too (callers that allow "no status" check for it first).
func ParseStatus(s string) (Status, error) {
	if st := Status(s); st.Valid() {
		return st, nil
	}
	return "", fmt.Errorf("unknown status %q: use pending, active, unsubscribed or bounced", s)
}

// Frozen reports whether a known subscriber with status st must not be
// changed by an import: unsubscribed and bounced people stay as they are.
func (st Status) Frozen() bool { return st == Unsubscribed || st == Bounced }
