// Package storeopen chooses a store implementation by driver name. It
// lives apart from package store because the implementations import store.
package storeopen

import (
	"context"
	"fmt"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/postgres"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

// The accepted driver names; SQLite is the default.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Open opens the store for driver: "sqlite" (dsn is a file path; the empty
// driver means sqlite too) or "postgres" (dsn is a postgres:// URL or
// key=value string). Any other driver is an error naming it.
func Open(ctx context.Context, driver, dsn string) (store.Store, error) {
	switch driver {
	case "", DriverSQLite:
		return sqlite.Open(ctx, dsn)
	case DriverPostgres:
		return postgres.Open(ctx, dsn)
	}
	return nil, fmt.Errorf("open store: unknown driver %q (want %q or %q)", driver, DriverSQLite, DriverPostgres)
}
