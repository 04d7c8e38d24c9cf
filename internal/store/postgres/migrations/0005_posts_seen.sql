-- When herald first saw each post (UTC unix nanoseconds): a post is new for
-- the newsletter from the later of that and its date, so a post added late
-- but dated early is still mailed. Uncertain deliveries get a partial index
-- so that every issue's can be counted at start.
CREATE TABLE posts_seen (
    post_id    TEXT    PRIMARY KEY,
    first_seen BIGINT  NOT NULL
);
CREATE INDEX deliveries_uncertain ON deliveries (issue_id) WHERE status = 'uncertain';
