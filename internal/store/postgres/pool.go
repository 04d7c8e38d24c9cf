package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// pool is a small connection pool. (pgxpool needs github.com/jackc/puddle,
// which the module does not require; a channel of connections is enough
// for the store's short transactions.)
type pool struct {
	cfg   *pgx.ConnConfig
	slots chan struct{}  // one token per connection allowed
	idle  chan *pgx.Conn // open connections not in use
}

func newPool(cfg *pgx.ConnConfig, size int) *pool {
	return &pool{cfg: cfg, slots: make(chan struct{}, size), idle: make(chan *pgx.Conn, size)}
}

// acquire returns a connection; the caller must release it.
func (p *pool) acquire(ctx context.Context) (*pgx.Conn, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a database connection: %w", ctx.Err())
	}
	for {
		select {
		case c := <-p.idle:
			if !c.IsClosed() {
				return c, nil
			}
		default:
			c, err := pgx.ConnectConfig(ctx, p.cfg)
			if err != nil {
				<-p.slots
				return nil, fmt.Errorf("connect to postgres: %w", err)
			}
			return c, nil
		}
	}
}

// release gives c back; a broken connection (or one left inside a
// transaction) is closed instead of reused.
func (p *pool) release(c *pgx.Conn) {
	if c.IsClosed() || c.PgConn().TxStatus() != 'I' {
		c.Close(context.Background())
	} else {
		p.idle <- c
	}
	<-p.slots
}

// close closes the idle connections; connections in use are closed when
// released after that only if broken, so call it once work has stopped.
func (p *pool) close(ctx context.Context) {
	for {
		select {
		case c := <-p.idle:
			c.Close(ctx)
		default:
			return
		}
	}
}
