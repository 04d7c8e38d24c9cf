-- Claims take pending deliveries in (next_attempt_at, subscriber_id) order:
-- with subscriber_id in the index, a claim reads its batch straight from the
-- index instead of sorting every pending row of the issue.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (issue_id, status, next_attempt_at, subscriber_id);
