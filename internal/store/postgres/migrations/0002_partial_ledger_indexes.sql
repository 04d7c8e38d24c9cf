-- Index only the deliveries each query looks for. A claim reads pending
-- rows in (next_attempt_at, subscriber_id) order straight from
-- deliveries_due and stops at its limit, instead of sorting every pending
-- row of the issue; leases and releases read the few claimed and sending
-- rows from deliveries_held and deliveries_owner. A sent, failed or
-- skipped delivery is in none of them.
DROP INDEX deliveries_due;
DROP INDEX deliveries_owner;
CREATE INDEX deliveries_due ON deliveries (issue_id, next_attempt_at, subscriber_id) WHERE status = 'pending';
CREATE INDEX deliveries_held ON deliveries (issue_id, status, lease_until) WHERE status IN ('claimed', 'sending');
CREATE INDEX deliveries_owner ON deliveries (owner) WHERE status IN ('claimed', 'sending');
