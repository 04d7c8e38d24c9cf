package newsletter

import (
	"context"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

// handoffs commits the ledger marks around each SMTP hand-off for every
// worker of an issue. A worker's sent mark waits for its next sending mark
// and both go into one transaction, so each worker has at most one
// delivery marked sending whose outcome is not yet recorded: a crash
// leaves at most one uncertain delivery per connection.
//
// Commits are lazy and grouped: a worker queues its marks when it starts
// talking to the server (start) and needs them on disk only at the final
// hand-off (wait). The first worker that needs its marks commits everything
// queued by then, its siblings' marks included; a worker that needs its
// marks while another commits waits for that commit and, when its marks
// were not in it, commits the next batch. On a busy issue most commits
// carry the marks of several connections.
type handoffs struct {
	st  Store
	now func() time.Time

	mu     sync.Mutex
	queue  []*pendingMark
	active chan struct{} // closed when the commit in flight ends; nil when none
}

// pendingMark is one worker's marks: the delivery it handed off last (sent,
// nil when none) and the one it is about to hand off (sending, nil when
// none). done is closed once they are committed (result and err set).
type pendingMark struct {
	h             *handoffs
	ctx           context.Context
	sent, sending *store.Handoff
	done          chan struct{}
	result, err   error
}

func newHandoffs(st Store, now func() time.Time) *handoffs {
	return &handoffs{st: st, now: now}
}

// start queues sent and sending (either may be nil) for the next commit.
// ctx is used by the commit that carries them.
func (h *handoffs) start(ctx context.Context, sent, sending *store.Handoff) *pendingMark {
	p := &pendingMark{h: h, ctx: ctx, sent: sent, sending: sending, done: make(chan struct{})}
	h.mu.Lock()
	h.queue = append(h.queue, p)
	h.mu.Unlock()
	return p
}

// mark commits sent and sending now, with whatever else is queued.
func (h *handoffs) mark(ctx context.Context, sent, sending *store.Handoff) (result, err error) {
	return h.start(ctx, sent, sending).wait()
}

// wait returns once p is committed, committing it (and the rest of the
// queue) when no commit in flight carries it. result is the outcome of
// the sending mark (nil, store.ErrNotClaimed, store.ErrNotActive or
// store.ErrNotFound); err is set when the transaction failed and nothing
// was written.
func (p *pendingMark) wait() (result, err error) {
	h := p.h
	for {
		select {
		case <-p.done:
			return p.result, p.err
		default:
		}
		h.mu.Lock()
		if active := h.active; active != nil {
			h.mu.Unlock()
			select {
			case <-p.done:
			case <-active:
			}
			continue
		}
		batch := h.queue
		h.queue = nil
		active := make(chan struct{})
		h.active = active
		h.mu.Unlock()
		h.commit(p.ctx, batch)
		h.mu.Lock()
		h.active = nil
		h.mu.Unlock()
		close(active)
	}
}

// commit writes batch in one transaction and releases its waiters.
func (h *handoffs) commit(ctx context.Context, batch []*pendingMark) {
	var sent, sending []store.Handoff
	for _, p := range batch {
		if p.sent != nil {
			sent = append(sent, *p.sent)
		}
		if p.sending != nil {
			sending = append(sending, *p.sending)
		}
	}
	results, err := h.st.MarkHandoffs(ctx, sent, sending, h.now())
	for _, p := range batch {
		p.err = err
		if p.sending != nil && err == nil {
			p.result, results = results[0], results[1:]
		}
		close(p.done)
	}
}
