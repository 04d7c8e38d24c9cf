package newsletter

import (
	"context"
	"strings"
	"sync"
	"time"
)

// HeldEvent is what a send tells of the deliveries of an issue that
// another herald holds under its lease.
type HeldEvent int

const (
	// HeldWaiting: the send waits for them. Their owner sends them if it
	// is alive; if it stopped (kill -9, a crash), they come back at Until.
	HeldWaiting HeldEvent = iota
	// HeldRenewed: Until passed and their owner renewed its lease: it is
	// alive and still sending them; the send waits until it is done.
	HeldRenewed
	// HeldResumed: the lease ended at Until with them still held: the
	// Claimed ones are sent again (by this send, or another instance);
	// the Sending ones may have reached the relay and are held uncertain,
	// never sent again unless herald send -resend-uncertain.
	HeldResumed
)

// Held tells a foreground send about the deliveries of an issue held by
// another owner's lease; see SendOptions.Held. It is told at most once per
// event and issue.
type Held struct {
	Event   HeldEvent
	IssueID int64
	Claimed int       // claimed, not yet handed to the relay
	Sending int       // being handed to the relay by their owner
	Until   time.Time // when the owner's lease ends (ended), in the schedule's zone
}

// Deliveries is how many deliveries are held.
func (h Held) Deliveries() int { return h.Claimed + h.Sending }

// heldWatch follows, while the workers of one issue wait for the rest of
// it, the deliveries another owner holds, and tells the log and the
// operator when the wait starts, when the owner renews its lease past the
// time told, and when the lease ended with deliveries still held.
type heldWatch struct {
	n       *Newsletter
	issueID int64
	tell    func(Held) // nil: the log only

	mu      sync.Mutex
	seen    Held      // others' live holdings at the last look, once the wait was told
	told    time.Time // the lease end told the operator; zero before the wait was told
	renewed bool      // HeldRenewed was told
	ended   bool      // the wait is over: nothing more to tell
}

// look reads who holds the rest of the issue and tells what changed since
// the last look. A store error is logged, not returned: it only costs the
// operator a line.
func (w *heldWatch) look(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return
	}
	now := w.n.now()
	live, expired, err := w.n.heldByOthers(ctx, w.issueID, now)
	if err != nil {
		if ctx.Err() == nil {
			w.n.log.Warn("Read delivery leases", "issue_id", w.issueID, "err", err)
		}
		return
	}
	waiting := !w.told.IsZero()
	switch {
	case expired.Deliveries() > 0 && waiting: // the lease ended; the next claim takes them
		w.resumed(expired)
	case live.Deliveries() > 0 && !waiting:
		w.say(live, HeldWaiting)
	case live.Deliveries() > 0 && !now.Before(w.told) && !w.renewed: // past the time told, yet live
		w.renewed = true
		w.say(live, HeldRenewed)
	case live.Deliveries() > 0:
		w.seen = live
	case waiting && !now.Before(w.seen.Until): // the lease ended and they were taken since the last look
		w.resumed(w.seen)
	case waiting: // their owner sent them
		w.ended = true
	}
}

// say tells h as event and remembers it as seen.
func (w *heldWatch) say(h Held, event HeldEvent) {
	h.Event, h.IssueID = event, w.issueID
	h.Until = h.Until.In(w.n.schedule().Location())
	w.seen, w.told = h, h.Until
	if event == HeldWaiting {
		w.n.log.Info("Waiting for deliveries claimed by another herald (stopped, or still sending them)",
			"issue_id", w.issueID, "deliveries", h.Deliveries(), "lease_until", h.Until)
	} else {
		w.n.log.Info("The other herald renewed its lease: it is still sending",
			"issue_id", w.issueID, "deliveries", h.Deliveries(), "lease_until", h.Until)
	}
	if w.tell != nil {
		w.tell(h)
	}
}

// resumed tells that the lease of h ended with its deliveries held, and
// ends the watch.
func (w *heldWatch) resumed(h Held) {
	w.ended = true
	h.Event, h.IssueID = HeldResumed, w.issueID
	h.Until = h.Until.In(w.n.schedule().Location())
	w.n.log.Info("Lease of the other herald ended; resuming its claimed deliveries",
		"issue_id", w.issueID, "claimed", h.Claimed, "lease_until", h.Until)
	if h.Sending > 0 {
		w.n.log.Warn("Deliveries the other herald was handing to the relay held uncertain: the relay may have them; "+
			"see herald issues show, resend with herald send -resend-uncertain", "issue_id", w.issueID, "uncertain", h.Sending)
	}
	if w.tell != nil {
		w.tell(h)
	}
}

// heldByOthers adds up the deliveries of the issue held by owners other
// than this instance's workers: live are those whose lease ends after
// now, expired the others; Until is the latest lease end of each.
func (n *Newsletter) heldByOthers(ctx context.Context, issueID int64, now time.Time) (live, expired Held, err error) {
	leases, err := n.opts.Store.Leases(ctx, issueID)
	if err != nil {
		return live, expired, err
	}
	ours := n.opts.Owner + "#"
	for _, l := range leases {
		if strings.HasPrefix(l.Owner, ours) {
			continue
		}
		h := &expired
		if l.Until.After(now) {
			h = &live
		}
		h.Claimed += l.Claimed
		h.Sending += l.Sending
		h.Until = later(h.Until, l.Until)
	}
	return live, expired, nil
}
