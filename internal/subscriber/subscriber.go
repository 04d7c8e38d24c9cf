// Package subscriber defines newsletter subscribers, their statuses, email
// normalisation and the signed tokens carried by confirmation, preferences and
// unsubscribe links.
package subscriber

import "time"

// Status is where a subscriber stands.
type Status string

const (
	Pending      Status = "pending"      // subscribed, confirmation not yet clicked
	Active       Status = "active"       // confirmed; receives issues
	Unsubscribed Status = "unsubscribed" // left; kept so that imports never resubscribe them
	Bounced      Status = "bounced"      // too many permanent delivery failures
)

// Source says where a subscriber came from.
type Source string

const (
	SourceForm   Source = "form"
	SourceImport Source = "import"
	SourceCLI    Source = "cli"
)

// Subscriber is one address on the list. Zero times mean "never happened".
type Subscriber struct {
	ID       int64
	Email    string // as given by the person
	EmailKey string // Normalize(Email); unique
	Name     string
	Status   Status
	// Topics is empty for "all posts", else a list of "tag:<tag>" and
	// "author:<key>" entries; a post matches when any entry matches.
	Topics []string
	Source Source

	CreatedAt      time.Time
	UpdatedAt      time.Time
	ConfirmSentAt  time.Time // last confirmation email
	ConfirmedAt    time.Time
	UnsubscribedAt time.Time
	BouncedAt      time.Time
	Bounces        int // permanent failures counted towards Bounced

	// TokenKey is random (hex, TokenKeyLen bytes), set by the store when
	// the subscriber is created and never changed: every link token
	// carries it, so no link outlives its subscriber.
	TokenKey string
	// LegacyTokens is true for subscribers created before token keys: their
	// links without a key, sent before the upgrade, keep working.
	LegacyTokens bool
}
