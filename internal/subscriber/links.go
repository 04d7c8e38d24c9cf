package subscriber

import "time"

// The personal links in emails, under publicURL (herald's own address,
// server.public_url). The web server routes exactly these paths.

// ConfirmURL is the confirmation link of subscriber id, valid until
// expires.
func ConfirmURL(publicURL string, signer *Signer, id int64, expires time.Time) string {
	return publicURL + "/confirm/" + signer.Token(PurposeConfirm, id, expires)
}

// UnsubscribeURL is the personal unsubscribe link of subscriber id: the
// page of a button for people, and the RFC 8058 one-click target for
// List-Unsubscribe.
func UnsubscribeURL(publicURL string, signer *Signer, id int64) string {
	return publicURL + "/unsubscribe/" + signer.Token(PurposeUnsubscribe, id, time.Time{})
}

// PreferencesURL is the personal preferences link of subscriber id.
func PreferencesURL(publicURL string, signer *Signer, id int64) string {
	return publicURL + "/preferences/" + signer.Token(PurposePreferences, id, time.Time{})
}
