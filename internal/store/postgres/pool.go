package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// pingAfter is how long a connection may sit idle before acquire checks
// it with a ping (the server may have restarted or closed it meanwhile).
const pingAfter = time.Second

// pool is a small connection pool. (pgxpool needs github.com/jackc/puddle,
// which the module does not require; a channel of connections is enough
// for the store's short statements and transactions.)
type pool struct {
	cfg   *pgx.ConnConfig
	now   func() time.Time
	slots chan struct{} // one token per connection allowed
	idle  chan idleConn // open connections not in use
}

type idleConn struct {
	conn  *pgx.Conn
	since time.Time
}

func newPool(cfg *pgx.ConnConfig, size int, now func() time.Time) *pool {
	return &pool{cfg: cfg, now: now, slots: make(chan struct{}, size), idle: make(chan idleConn, size)}
}

// acquire returns a working connection; the caller must release it.
func (p *pool) acquire(ctx context.Context) (*pgx.Conn, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a database connection: %w", ctx.Err())
	}
	for {
		select {
		case ic := <-p.idle:
			if p.usable(ctx, ic) {
				return ic.conn, nil
			}
			ic.conn.Close(ctx)
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

// usable reports whether an idle connection may be handed out: it is
// open, and answers a ping when it has been idle longer than pingAfter.
func (p *pool) usable(ctx context.Context, ic idleConn) bool {
	if ic.conn.IsClosed() {
		return false
	}
	return p.now().Sub(ic.since) <= pingAfter || ic.conn.Ping(ctx) == nil
}

// release gives c back; a broken connection (or one left inside a
// transaction) is closed instead of reused.
func (p *pool) release(c *pgx.Conn) {
	if c.IsClosed() || c.PgConn().TxStatus() != 'I' {
		c.Close(context.Background())
	} else {
		p.idle <- idleConn{conn: c, since: p.now()}
	}
	<-p.slots
}

// close closes the idle connections. Call it once work has stopped.
func (p *pool) close(ctx context.Context) {
	for {
		select {
		case ic := <-p.idle:
			ic.conn.Close(ctx)
		default:
			return
		}
	}
}
