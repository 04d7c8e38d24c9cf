package main

import (
	"context"
	"fmt"

	"github.com/heraldhq/herald/internal/store"
)

func openPostgres(ctx context.Context, dsn string) (store.Store, error) {
	return nil, fmt.Errorf("the postgres store is not built yet")
}
