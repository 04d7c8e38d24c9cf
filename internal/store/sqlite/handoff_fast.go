package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/internal/codec"
)

// The hand-off marks commit once per message or so while an issue goes out,
// and through database/sql a transaction costs more than its updates: it
// parses BEGIN and COMMIT every time and starts a goroutine to watch the
// context. fastHandoffs runs the usual case, every mark taking its one row,
// on the write connection's driver with statements prepared once, BEGIN and
// COMMIT included. Anything else is rolled back and done again by the
// general path, which tells the outcomes apart.

// errSlowPath is fastHandoffs' way of saying "not the usual case".
var errSlowPath = errors.New("hand-off marks need the general path")

// driverStmts are the hot statements prepared on one driver connection.
type driverStmts struct {
	begin, commit, rollback, sent, sending driver.Stmt
}

// fastStmts holds the driverStmts of each write connection the pool used.
type fastStmts struct {
	mu    sync.Mutex
	byCon map[driver.Conn]*driverStmts
}

func (f *fastStmts) get(c driver.Conn) (*driverStmts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ds, ok := f.byCon[c]; ok {
		return ds, nil
	}
	prep, ok := c.(driver.ConnPrepareContext)
	if !ok {
		return nil, errSlowPath
	}
	ds := &driverStmts{}
	for _, p := range []struct {
		dst   *driver.Stmt
		query string
	}{
		{&ds.begin, "BEGIN IMMEDIATE"}, {&ds.commit, "COMMIT"}, {&ds.rollback, "ROLLBACK"},
		{&ds.sent, deliveryUpdate(setSent)}, {&ds.sending, sqlMarkSending},
	} {
		st, err := prep.PrepareContext(context.Background(), p.query)
		if err != nil {
			ds.close()
			return nil, fmt.Errorf("prepare %q: %w", p.query, err)
		}
		*p.dst = st
	}
	if f.byCon == nil {
		f.byCon = map[driver.Conn]*driverStmts{}
	}
	f.byCon[c] = ds
	return ds, nil
}

func (ds *driverStmts) close() {
	for _, st := range []driver.Stmt{ds.begin, ds.commit, ds.rollback, ds.sent, ds.sending} {
		if st != nil {
			st.Close()
		}
	}
}

func (f *fastStmts) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ds := range f.byCon {
		ds.close()
	}
	f.byCon = nil
}

// fastHandoffs commits sent and sending when every mark takes its one row.
// It returns errSlowPath, having written nothing, when one does not (or the
// driver cannot do it this way); any other error is a database error, and
// nothing was written either.
func (s *Store) fastHandoffs(ctx context.Context, sent, sending []store.Handoff, now time.Time) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return errSlowPath
		}
		ds, err := s.fast.get(c)
		if err != nil {
			return err
		}
		if err := execStmt(ctx, ds.begin); err != nil {
			return err
		}
		if err := ds.marks(ctx, sent, sending, codec.Nanos(now)); err != nil {
			return errors.Join(err, execStmt(ctx, ds.rollback))
		}
		if err := execStmt(ctx, ds.commit); err != nil {
			return errors.Join(err, execStmt(ctx, ds.rollback))
		}
		return nil
	})
}

// marks runs the updates of sent and sending, each of which must change
// one row.
func (ds *driverStmts) marks(ctx context.Context, sent, sending []store.Handoff, now int64) error {
	for _, h := range sent {
		if err := execOneRow(ctx, ds.sent, now, h.IssueID, h.SubscriberID); err != nil {
			return err
		}
	}
	for _, h := range sending {
		if err := execOneRow(ctx, ds.sending, now, h.IssueID, h.SubscriberID, h.Owner, now); err != nil {
			return err
		}
	}
	return nil
}

func execStmt(ctx context.Context, st driver.Stmt, args ...any) error {
	_, err := exec(ctx, st, args...)
	return err
}

// execOneRow runs st and returns errSlowPath unless it changed one row.
func execOneRow(ctx context.Context, st driver.Stmt, args ...any) error {
	res, err := exec(ctx, st, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, errSlowPath)
	}
	return nil
}

func exec(ctx context.Context, st driver.Stmt, args ...any) (driver.Result, error) {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	if sc, ok := st.(driver.StmtExecContext); ok {
		return sc.ExecContext(ctx, named)
	}
	return nil, errSlowPath
}
