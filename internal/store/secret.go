package store

import (
	"context"
	"encoding/base64"
	"fmt"
)

// SecretKey is the settings key under which EnsureSecret keeps the link
// signing secret.
const SecretKey = "signing_secret"

// EnsureSecret returns the link signing secret shared by every instance
// using s. On first use it stores the bytes from generate; when several
// instances start at once, all of them get the one value stored first.
// The secret is kept base64-encoded in the settings table.
func EnsureSecret(ctx context.Context, s Store, generate func() ([]byte, error)) ([]byte, error) {
	if text, err := s.Setting(ctx, SecretKey); err == nil {
		return decodeSecret(text)
	}
	fresh, err := generate()
	if err != nil {
		return nil, fmt.Errorf("generate signing secret: %w", err)
	}
	if len(fresh) == 0 {
		return nil, fmt.Errorf("generate signing secret: generator returned no bytes")
	}
	text, err := s.SetSettingIfAbsent(ctx, SecretKey, base64.StdEncoding.EncodeToString(fresh))
	if err != nil {
		return nil, fmt.Errorf("store signing secret: %w", err)
	}
	return decodeSecret(text)
}

func decodeSecret(text string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("read signing secret: setting %q is not base64 bytes", SecretKey)
	}
	return b, nil
}
