package newsletter

import (
	"context"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

// handoffs commits the ledger marks around each SMTP hand-off for every
// worker of an issue. A worker's sent mark waits for its next sending mark
// and both go into one transaction; the marks that workers ask for while
// a transaction is in flight go together into the next one (group
// commit). So each worker has at most one delivery marked sending whose
// outcome is not yet recorded: a crash leaves at most one uncertain
// delivery per connection, as before, for a fraction of the commits.
type handoffs struct {
	st  store.Store
	now func() time.Time

	mu      sync.Mutex
	queue   []*handoffReq
	leading bool // a worker is committing a batch; the queue waits for it
}

// handoffReq is one worker's marks: the delivery it handed off last (sent,
// nil when none) and the one it is about to hand off (sending, nil when
// none). wake carries true when the worker must commit the next batch
// itself, false when its request is done (result and err set).
type handoffReq struct {
	sent, sending *store.Handoff
	wake          chan bool
	result, err   error
}

func newHandoffs(st store.Store, now func() time.Time) *handoffs {
	return &handoffs{st: st, now: now}
}

// mark commits sent and sending (either may be nil) together with the
// other workers' waiting marks. It returns the outcome of sending (nil,
// store.ErrNotClaimed, store.ErrNotActive or store.ErrNotFound) and, apart,
// err when the transaction failed and nothing was written.
func (h *handoffs) mark(ctx context.Context, sent, sending *store.Handoff) (result, err error) {
	r := &handoffReq{sent: sent, sending: sending, wake: make(chan bool, 1)}
	h.mu.Lock()
	h.queue = append(h.queue, r)
	if h.leading {
		h.mu.Unlock()
		if lead := <-r.wake; !lead {
			return r.result, r.err
		}
		h.mu.Lock()
	}
	h.leading = true
	batch := h.queue
	h.queue = nil
	h.mu.Unlock()
	h.commit(ctx, batch)
	h.mu.Lock()
	if len(h.queue) > 0 {
		h.queue[0].wake <- true
	} else {
		h.leading = false
	}
	h.mu.Unlock()
	return r.result, r.err
}

// commit writes batch in one transaction and wakes its waiting workers.
func (h *handoffs) commit(ctx context.Context, batch []*handoffReq) {
	var sent, sending []store.Handoff
	for _, r := range batch {
		if r.sent != nil {
			sent = append(sent, *r.sent)
		}
		if r.sending != nil {
			sending = append(sending, *r.sending)
		}
	}
	results, err := h.st.MarkHandoffs(ctx, sent, sending, h.now())
	for _, r := range batch {
		r.err = err
		if r.sending != nil && err == nil {
			r.result, results = results[0], results[1:]
		}
		r.wake <- false
	}
}
