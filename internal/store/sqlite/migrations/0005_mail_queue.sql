-- Confirmation and welcome emails wait in this queue: the web request that
-- asks for one only records it (so that every answer takes the same time,
-- whatever the relay does), and the daemon sends it, retrying with
-- backoff. One waiting email per subscriber and kind.
CREATE TABLE mail_queue (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id   INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    next_attempt_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (subscriber_id, kind)
);
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at, id);
