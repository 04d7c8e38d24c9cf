package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestHotStatementsSeekOneRow checks that the per-message ledger updates
// find their row through the (issue_id, subscriber_id) key. With the
// partial ledger indexes, SQLite may prefer an index on status for some
// forms of these statements and then walk every claimed row of the issue
// for each message.
func TestHotStatementsSeekOneRow(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{sqlMarkSending, sqlDeliveryState, deliveryUpdate(setSent)} {
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = 1
		}
		rows, err := s.write.Query("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatalf("explain %s: %v", q, err)
		}
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			steps = append(steps, detail)
		}
		rows.Close()
		if len(steps) == 0 || !strings.Contains(steps[0], "(issue_id=? AND subscriber_id=?)") {
			t.Errorf("plan of\n%s\nis %q; want a seek on (issue_id, subscriber_id) first", q, steps)
		}
	}
}
