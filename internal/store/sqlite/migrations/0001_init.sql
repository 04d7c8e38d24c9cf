-- Times are UTC unix nanoseconds; 0 means "never".
CREATE TABLE subscribers (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL,
    email_key       TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,
    topics          TEXT    NOT NULL DEFAULT '[]',
    source          TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    confirm_sent_at INTEGER NOT NULL DEFAULT 0,
    confirmed_at    INTEGER NOT NULL DEFAULT 0,
    unsubscribed_at INTEGER NOT NULL DEFAULT 0,
    bounced_at      INTEGER NOT NULL DEFAULT 0,
    bounces         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX subscribers_status ON subscribers (status, id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE issues (
    id           INTEGER PRIMARY KEY,
    key          TEXT    NOT NULL UNIQUE,
    scheduled_at INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    reason       TEXT    NOT NULL DEFAULT '',
    since        INTEGER NOT NULL DEFAULT 0,
    until        INTEGER NOT NULL DEFAULT 0,
    post_ids     TEXT    NOT NULL DEFAULT '[]',
    created_at   INTEGER NOT NULL,
    completed_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX issues_scheduled ON issues (scheduled_at, id);

CREATE TABLE deliveries (
    issue_id        INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    subscriber_id   INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    email           TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    message_id      TEXT    NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    owner           TEXT    NOT NULL DEFAULT '',
    lease_until     INTEGER NOT NULL DEFAULT 0,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (issue_id, subscriber_id)
);
CREATE INDEX deliveries_due ON deliveries (issue_id, status, next_attempt_at);
CREATE INDEX deliveries_owner ON deliveries (owner, status);
CREATE INDEX deliveries_subscriber ON deliveries (subscriber_id);
