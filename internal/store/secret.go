package store

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/heraldhq/herald/internal/subscriber"
)

// SecretKey is the settings key under which EnsureSecret keeps the link
// signing secret.
const SecretKey = "signing_secret"

// EnsureSecret returns the link signing secret shared by every instance
// using s. On first use it stores the bytes from generate; when several
// instances start at once, all of them get the one value stored first.
// The secret is kept base64-encoded in the settings table.
func EnsureSecret(ctx context.Context, s Settings, generate func() ([]byte, error)) ([]byte, error) {
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
	text, err := s.SetSettingIfAbsent(ctx, SecretKey, subscriber.EncodeSecret(fresh))
	if err != nil {
		return nil, fmt.Errorf("store signing secret: %w", err)
	}
	return decodeSecret(text)
}

func decodeSecret(text string) ([]byte, error) {
	b, err := subscriber.DecodeSecret(text)
	if err != nil {
		return nil, fmt.Errorf("read setting %q: %w", SecretKey, err)
	}
	return b, nil
}

// ReadSecretFile reads the secret file SQLite's data folder keeps as the
// text of the setting PostgreSQL keeps (to copy it between stores);
// ErrNotFound when there is none.
func ReadSecretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	return subscriber.EncodeSecret(b), nil
}
