package newsletter

import (
	"context"
	"errors"
	"fmt"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/store"
)

// RelayError stops the delivery of an issue: the relay, or its settings,
// failed (it could not be reached, TLS or AUTH failed, it refused the
// greeting, EHLO or the sender), not a recipient. No bounce is counted; the
// delivery it hit goes back to pending with the issue's other open ones,
// and the issue stays open to be resumed.
type RelayError struct {
	IssueID int64
	Err     *mail.SendError
}

func (e *RelayError) Error() string {
	return fmt.Sprintf("the mail relay failed (%s): %v; check %s", e.Err.Op, e.Err.Err, e.Err.Setting())
}

func (e *RelayError) Unwrap() error { return e.Err }

// Temporary reports whether trying the relay again later may work (it was
// unreachable, or answered 4xx), rather than needing a settings change.
func (e *RelayError) Temporary() bool { return e.Err.Temporary }

// asRelayError returns err's RelayError, or nil.
func asRelayError(err error) *RelayError {
	var re *RelayError
	if errors.As(err, &re) {
		return re
	}
	return nil
}

// outcome records what a failed hand-off of d means, beyond the recipient's
// rules in record: a delivery the relay may have is held uncertain; one the
// relay never had because the relay failed, or because the send stops, goes
// back to pending uncounted. handled is false when record should decide;
// stop, when not nil, ends the worker.
func (n *Newsletter) outcome(ctx context.Context, d store.Delivery, sendErr error) (handled bool, stop error) {
	var se *mail.SendError
	isSMTP := errors.As(sendErr, &se)
	st, now, bg := n.opts.Store, n.now(), context.WithoutCancel(ctx)
	switch {
	case isSMTP && se.MaybeDelivered():
		if err := st.MarkUncertain(bg, d.IssueID, d.SubscriberID, sendErr.Error(), now); err != nil {
			return true, fmt.Errorf("mark delivery %d/%d uncertain: %w", d.IssueID, d.SubscriberID, err)
		}
		n.metrics.uncertain.Inc()
		n.log.Warn("Delivery uncertain: the relay may have it; not retried (herald send -resend-uncertain sends it again)",
			"issue_id", d.IssueID, "subscriber_id", d.SubscriberID, "email", d.Email, "err", sendErr)
		return true, nil
	case isSMTP && se.RelayFault():
		if err := st.MarkUnsent(bg, d.IssueID, d.SubscriberID, sendErr.Error(), now); err != nil {
			return true, fmt.Errorf("put delivery %d/%d back: %w", d.IssueID, d.SubscriberID, err)
		}
		return true, &RelayError{IssueID: d.IssueID, Err: se}
	case ctx.Err() != nil:
		if err := st.MarkUnsent(bg, d.IssueID, d.SubscriberID, "stopped: "+sendErr.Error(), now); err != nil {
			return true, fmt.Errorf("put delivery %d/%d back: %w", d.IssueID, d.SubscriberID, err)
		}
		return true, ctx.Err()
	}
	return false, nil
}
