package subscriber

import (
	"encoding/base64"
	"fmt"
)

// The signing secret is raw bytes in a file (SQLite's data folder) and
// base64 text where only text fits (a database setting, a migration).

// EncodeSecret writes secret as the text kept in a setting.
func EncodeSecret(secret []byte) string { return base64.StdEncoding.EncodeToString(secret) }

// DecodeSecret reads a secret written by EncodeSecret.
func DecodeSecret(text string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("signing secret is not base64 bytes")
	}
	return b, nil
}

// CheckSecret refuses a secret shorter than MinSecretLen; from says where
// it was read, for the message.
func CheckSecret(secret []byte, from string) error {
	if len(secret) < MinSecretLen {
		return fmt.Errorf("signing secret %s is %d bytes, need %d: delete it to generate a new one (links already sent stop working)", from, len(secret), MinSecretLen)
	}
	return nil
}
