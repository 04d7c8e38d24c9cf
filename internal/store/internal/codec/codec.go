// Package codec holds what the SQLite and PostgreSQL stores share: how
// times and topic lists are stored, and the checks made before a row is
// written. Times are stored as UTC unix nanoseconds, 0 meaning "never", so
// both databases round-trip them exactly.
package codec

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// Nanos encodes t for storage; the zero time becomes 0.
func Nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// Time decodes a stored value; 0 becomes the zero time, others are UTC.
func Time(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// Strings encodes a list (topics, post ids) as JSON text; nil becomes "[]".
func Strings(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list) // a []string always marshals
	return string(b)
}

// ParseStrings decodes a list written by Strings; an empty list is nil.
func ParseStrings(text string) ([]string, error) {
	var list []string
	if err := json.Unmarshal([]byte(text), &list); err != nil {
		return nil, fmt.Errorf("decode list %q: %w", text, err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
}

// PrepareNew checks a subscriber about to be inserted and fills the
// defaults: Email with its domain in ASCII, lower case (Canonical),
// EmailKey from Email when empty, Status pending when empty,
// CreatedAt and UpdatedAt at now, ConfirmedAt or UnsubscribedAt or
// BouncedAt at now when the status says so and the time is unset.
func PrepareNew(s *subscriber.Subscriber, now time.Time) error {
	canonical, err := subscriber.Canonical(s.Email) // the domain in ASCII, lower case
	if err != nil {
		return fmt.Errorf("check new subscriber: %w", err)
	}
	s.Email = canonical
	if s.EmailKey == "" {
		key, err := subscriber.Normalize(s.Email)
		if err != nil {
			return fmt.Errorf("check new subscriber: %w", err)
		}
		s.EmailKey = key
	}
	if s.Status == "" {
		s.Status = subscriber.Pending
	}
	if !s.Status.Valid() {
		return fmt.Errorf("check new subscriber %q: unknown status %q", s.Email, s.Status)
	}
	// A given CreatedAt is kept (an import or a migration carries the
	// date the person subscribed); otherwise the subscriber is new now.
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), now.UTC()
	stampStatus(s, now.UTC())
	// A given TokenKey is kept (a copy between stores keeps the links
	// working); otherwise the subscriber gets a fresh one.
	if s.TokenKey == "" {
		s.TokenKey, s.LegacyTokens = subscriber.NewTokenKey(), false
	}
	return nil
}

func stampStatus(s *subscriber.Subscriber, now time.Time) {
	switch {
	case s.Status == subscriber.Active && s.ConfirmedAt.IsZero():
		s.ConfirmedAt = now
	case s.Status == subscriber.Unsubscribed && s.UnsubscribedAt.IsZero():
		s.UnsubscribedAt = now
	case s.Status == subscriber.Bounced && s.BouncedAt.IsZero():
		s.BouncedAt = now
	}
}

// PrepareIssue checks an issue about to be inserted and fills the
// defaults: Status sending when empty, CreatedAt at now, CompletedAt at
// now for a sent or skipped issue.
func PrepareIssue(is *store.Issue, now time.Time) error {
	if is.Key == "" {
		return fmt.Errorf("check new issue: empty key")
	}
	if is.Status == "" {
		is.Status = store.IssueSending
	}
	completed, err := IssueCompletion(is.Status, now)
	if err != nil {
		return fmt.Errorf("check new issue %q: %w", is.Key, err)
	}
	is.CreatedAt, is.CompletedAt = now.UTC(), Time(completed)
	return nil
}

// IssueCompletion returns the stored CompletedAt for an issue entering
// status at now: now when final, 0 while sending, an error when unknown.
func IssueCompletion(status store.IssueStatus, now time.Time) (int64, error) {
	switch status {
	case store.IssueSending:
		return 0, nil
	case store.IssueSent, store.IssueSkipped:
		return Nanos(now), nil
	}
	return 0, fmt.Errorf("unknown issue status %q", status)
}

// CheckClaim checks the arguments of ClaimDeliveries.
func CheckClaim(owner string, limit int, lease time.Duration) error {
	switch {
	case owner == "":
		return fmt.Errorf("empty owner")
	case limit <= 0:
		return fmt.Errorf("limit %d is not positive", limit)
	case lease <= 0:
		return fmt.Errorf("lease %v is not positive", lease)
	}
	return nil
}

// IDNASetting is the settings key recording that the email domains stored
// before IDNA normalisation were converted (see Rekey).
const IDNASetting = "email_domains_ascii"

// Rekey returns the canonical address and key of a subscriber stored
// before domains were kept in ASCII, and whether they differ from what is
// stored: only a key with a non-ASCII byte can.
func Rekey(email, key string) (newEmail, newKey string, changed bool) {
	ascii := true
	for i := 0; i < len(key); i++ {
		if key[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return email, key, false
	}
	canon, err1 := subscriber.Canonical(email)
	k, err2 := subscriber.Normalize(email)
	if err1 != nil || err2 != nil || k == key {
		return email, key, false
	}
	return canon, k, true
}

// AddLease folds one (owner, status) count of held deliveries, with the
// latest lease end of those rows, into leases, which the rows reach
// ordered by owner: the drivers read leases grouped that way.
func AddLease(leases []store.Lease, owner string, status store.DeliveryStatus, n int, until time.Time) []store.Lease {
	if len(leases) == 0 || leases[len(leases)-1].Owner != owner {
		leases = append(leases, store.Lease{Owner: owner})
	}
	l := &leases[len(leases)-1]
	if status == store.DeliverySending {
		l.Sending += n
	} else {
		l.Claimed += n
	}
	if until.After(l.Until) {
		l.Until = until
	}
	return leases
}
