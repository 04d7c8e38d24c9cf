-- Index only the deliveries each query looks for, so that marking one
-- sending and then sent rewrites as few index pages as possible: claims
-- read pending rows from deliveries_due; leases and releases read claimed
-- and sending rows from deliveries_held and deliveries_owner. A sent,
-- failed or skipped delivery is in none of them. Each predicate is an OR
-- of equalities so that a query naming one status can use the index.
DROP INDEX deliveries_due;
DROP INDEX deliveries_owner;
CREATE INDEX deliveries_due ON deliveries (issue_id, next_attempt_at, subscriber_id) WHERE status = 'pending';
CREATE INDEX deliveries_held ON deliveries (issue_id, status, lease_until) WHERE status = 'claimed' OR status = 'sending';
CREATE INDEX deliveries_owner ON deliveries (owner) WHERE status = 'claimed' OR status = 'sending';
