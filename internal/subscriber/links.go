package subscriber

import "time"

// The personal links in emails, under publicURL (herald's own address,
// server.public_url). The web server routes exactly these paths.

// ConfirmURL is the confirmation link of sub (its ID and TokenKey), valid
// until expires.
func ConfirmURL(publicURL string, signer *Signer, sub Subscriber, expires time.Time) string {
	return publicURL + "/confirm/" + signer.Token(PurposeConfirm, sub, expires)
}

// UnsubscribeURL is the personal unsubscribe link of sub: the page of a
// button for people, and the RFC 8058 one-click target for
// List-Unsubscribe.
func UnsubscribeURL(publicURL string, signer *Signer, sub Subscriber) string {
	return publicURL + "/unsubscribe/" + signer.Token(PurposeUnsubscribe, sub, time.Time{})
}

// PreferencesURL is the personal preferences link of sub.
func PreferencesURL(publicURL string, signer *Signer, sub Subscriber) string {
	return publicURL + "/preferences/" + signer.Token(PurposePreferences, sub, time.Time{})
}
