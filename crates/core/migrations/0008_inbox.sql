-- The inbox (crates/core/src/store/inbox.rs, crates/core/src/notify.rs): what concerns the
-- member — answers to their questions, replies, @mentions, questions waiting for them and, in
-- circles they follow, digests and the owner's posts — derived from the change feed, each event
-- once, ever. Decisions: docs/notifications.md.

CREATE TABLE inbox (
    -- What makes an event one event: `answer:<topic>`, `comment:<comment>`, `mention:<topic>`,
    -- `question:<topic>`, `digest:<topic>`, `post:<topic>`. The primary key is the once-only
    -- record: deriving the same event again (a re-sync, the CLI beside the app) adds nothing.
    event_key    TEXT    PRIMARY KEY,
    kind         TEXT    NOT NULL,
    group_id     INTEGER NOT NULL,
    topic_id     INTEGER NOT NULL,
    comment_id   INTEGER,
    -- When it happened, as well as the archive knows (an answer seen appearing: when seen).
    event_ms     INTEGER NOT NULL,
    -- When a sync found it.
    found_ms     INTEGER NOT NULL,
    -- NULL while it waits to be notified (`outcome` `held` while quiet hours hold it); then
    -- when that was settled, and how (`outcome`):
    -- `shown`, `backlog` (found by a circle's first sync), `stale` (too old to interrupt for),
    -- `off` (its kind or circle is switched off), `failed` (no notification service).
    settled_ms   INTEGER,
    outcome      TEXT,
    read_ms      INTEGER
) WITHOUT ROWID;
CREATE INDEX inbox_pending ON inbox (found_ms) WHERE settled_ms IS NULL;
CREATE INDEX inbox_newest ON inbox (event_ms DESC);
-- The bell's count, asked with every refresh of the sidebar: a first sync's backlog is read, so
-- the unread rows are few however large the inbox grows.
CREATE INDEX inbox_unread ON inbox (event_ms) WHERE read_ms IS NULL;

-- How far the inbox has read the change feed. `baseline_seq`: the feed's end when the inbox
-- first ran on this archive; what was archived before is history, not news.
CREATE TABLE inbox_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    seq           INTEGER NOT NULL,
    baseline_seq  INTEGER NOT NULL
);

-- When the inbox first saw each circle: what a circle's first sync finds from before then is
-- its backlog.
CREATE TABLE inbox_circles (
    group_id  INTEGER PRIMARY KEY,
    since_ms  INTEGER NOT NULL
) WITHOUT ROWID;

-- Questions the account asked, from the service's account-wide list: anonymous questions carry
-- no asker in the topic itself, so this is how the archive knows they are the member's.
CREATE TABLE my_questions (
    topic_id  INTEGER PRIMARY KEY
) WITHOUT ROWID;

-- Requests sent to the service per local day (crates/core/src/sync/budget.rs): bans follow an
-- account's volume over hours, not only its rate (PROTOCOL.md §6.6), so the background sync
-- keeps within a daily budget.
CREATE TABLE request_days (
    -- The local date, `YYYY-MM-DD`.
    day       TEXT    PRIMARY KEY,
    requests  INTEGER NOT NULL
) WITHOUT ROWID;
