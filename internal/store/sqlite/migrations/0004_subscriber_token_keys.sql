-- Subscriber ids are never reused (AUTOINCREMENT): without it SQLite gives
-- a new subscriber the id of the last one removed, and that person's links
-- acted on the new one. Each subscriber also gets a random token key that
-- every new link carries; subscribers from before get one here and keep
-- legacy_tokens = 1, so the links already in their inboxes keep working.
-- SQLite cannot add AUTOINCREMENT to a table, so the table is rebuilt; the
-- store runs this with foreign keys off (a DROP would cascade to the
-- deliveries) and checks them before committing.
CREATE TABLE subscribers_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
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
    bounces         INTEGER NOT NULL DEFAULT 0,
    token_key       TEXT    NOT NULL,
    legacy_tokens   INTEGER NOT NULL DEFAULT 0
);
INSERT INTO subscribers_new (id, email, email_key, name, status, topics, source, created_at, updated_at,
    confirm_sent_at, confirmed_at, unsubscribed_at, bounced_at, bounces, token_key, legacy_tokens)
SELECT id, email, email_key, name, status, topics, source, created_at, updated_at,
    confirm_sent_at, confirmed_at, unsubscribed_at, bounced_at, bounces, lower(hex(randomblob(16))), 1
FROM subscribers;
DROP TABLE subscribers;
ALTER TABLE subscribers_new RENAME TO subscribers;
CREATE INDEX subscribers_status ON subscribers (status, id);
