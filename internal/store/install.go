package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
)

// InstallIDKey is the settings key under which EnsureInstallID keeps this
// installation's random id. `herald migrate-store` copies it with the
// signing secret, so that a moved database keeps minting the same ids.
const InstallIDKey = "install_id"

// installIDLen is the length of an install id: 80 random bits in
// lower-case base32.
const installIDLen = 16

var installEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewInstallID returns a fresh random install id: 16 characters of
// lower-case base32 (80 bits), safe in a Message-ID's local part.
func NewInstallID() string {
	var b [10]byte
	rand.Read(b[:]) // never fails
	return installEncoding.EncodeToString(b[:])
}

// EnsureInstallID returns the install id of the database s: the random
// part of every newsletter Message-ID, which keeps ids unique across
// databases (a fresh install, a restored copy moved elsewhere, another
// driver) where row ids repeat. On first use it stores a fresh one; when
// several instances start at once, all get the one stored first.
func EnsureInstallID(ctx context.Context, s Settings) (string, error) {
	id, err := InstallID(ctx, s)
	if !errors.Is(err, ErrNotFound) {
		return id, err
	}
	id, err = s.SetSettingIfAbsent(ctx, InstallIDKey, NewInstallID())
	if err != nil {
		return "", fmt.Errorf("store install id: %w", err)
	}
	return id, checkInstallID(id)
}

// InstallID returns the stored install id without writing one:
// ErrNotFound when the database has none yet.
func InstallID(ctx context.Context, s Settings) (string, error) {
	id, err := s.Setting(ctx, InstallIDKey)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return "", err
		}
		return "", fmt.Errorf("read install id: %w", err)
	}
	return id, checkInstallID(id)
}

func checkInstallID(id string) error {
	if len(id) != installIDLen || strings.Trim(id, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		return fmt.Errorf("read install id: setting %q is %q, not %d characters of lower-case base32", InstallIDKey, id, installIDLen)
	}
	return nil
}
