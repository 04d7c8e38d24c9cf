package storeopen

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cases := []struct {
		name, driver, dsn string
		wantErr           string // substring; empty for success
	}{
		{"sqlite", "sqlite", filepath.Join(dir, "a.db"), ""},
		{"empty driver is sqlite", "", filepath.Join(dir, "b.db"), ""},
		{"unknown driver", "mysql", "x", `unknown driver "mysql"`},
		{"sqlite without a path", "sqlite", "", "empty path"},
		{"postgres with a bad dsn", "postgres", "postgres://%zz", "parse dsn"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(ctx, tc.driver, tc.dsn)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Open(%q, %q) = %v; want an error containing %q", tc.driver, tc.dsn, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q, %q): %v", tc.driver, tc.dsn, err)
			}
			defer s.Close()
			if err := s.Ping(ctx); err != nil {
				t.Errorf("Ping: %v", err)
			}
			if _, err := os.Stat(tc.dsn); err != nil {
				t.Errorf("database file not created: %v", err)
			}
		})
	}
}
