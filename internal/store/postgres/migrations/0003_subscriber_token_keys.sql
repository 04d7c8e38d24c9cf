-- Each subscriber gets a random token key that every new link carries, so
-- that no link outlives its subscriber. Subscribers from before get one
-- here and keep legacy_tokens, so the links already in their inboxes keep
-- working. (PostgreSQL never reuses ids; SQLite did, see its migration.)
-- gen_random_uuid is built in since PostgreSQL 13.
ALTER TABLE subscribers ADD COLUMN token_key TEXT NOT NULL DEFAULT '';
ALTER TABLE subscribers ADD COLUMN legacy_tokens BOOLEAN NOT NULL DEFAULT false;
UPDATE subscribers SET token_key = replace(gen_random_uuid()::text, '-', ''), legacy_tokens = true;
ALTER TABLE subscribers ALTER COLUMN token_key DROP DEFAULT;
