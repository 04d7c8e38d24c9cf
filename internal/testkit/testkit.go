// Package testkit holds what the tests of several packages share: golden
// files with one -update flag, and fresh PostgreSQL schemas. Only tests
// import it.
package testkit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// update is the -update flag of every test binary that imports testkit.
var update = flag.Bool("update", false, "rewrite the golden files (and generated docs) from the output")

// Update reports whether the tests run with -update.
func Update() bool { return *update }

// Golden compares got with the file at path; with -update it writes got
// there first (creating the folder). A difference names the file and how
// to accept the new output.
func Golden(tb testing.TB, path string, got []byte) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the output (go test -run '%s' -update rewrites it; review the diff); got:\n%s", path, tb.Name(), got)
	}
}

// PostgresSkip is what a PostgreSQL test says when it skips.
const PostgresSkip = "set HERALD_TEST_POSTGRES=postgres://... to run the PostgreSQL tests (.ci/run does)"

// PostgresDSN returns $HERALD_TEST_POSTGRES. Without it the test skips,
// or fails when CI=true: CI must run every test.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv("HERALD_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("HERALD_TEST_POSTGRES is not set but CI=true: " + PostgresSkip)
		}
		tb.Skip(PostgresSkip)
	}
	return dsn
}

// FreshSchema creates an empty schema in the test database, dropped when
// the test ends, and returns a DSN whose search_path points at it.
func FreshSchema(tb testing.TB) string {
	tb.Helper()
	base := PostgresDSN(tb)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to HERALD_TEST_POSTGRES: %v", err)
	}
	tb.Cleanup(func() { admin.Close(context.Background()) })
	var b [6]byte
	rand.Read(b[:])
	schema := "herald_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() { admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	return withSearchPath(tb, base, schema)
}

// withSearchPath sets search_path in a URL or key=value DSN.
func withSearchPath(tb testing.TB, dsn, schema string) string {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("parse HERALD_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
