-- What the service changes after the fact (crates/core/src/store/history.rs): topics deleted
-- on 知识星球, earlier texts of edited topics, and list items this build could not read.

-- When a sync noticed that the service deleted the topic (and confirmed it with the topic's
-- own endpoint). The archive keeps the topic: keeping it is the point of an archive.
ALTER TABLE topics ADD COLUMN deleted_at_ms INTEGER;

-- Every text a topic had before an edit, oldest first. The current text stays in `topics`.
CREATE TABLE topic_revisions (
    topic_id        INTEGER NOT NULL REFERENCES topics (topic_id) ON DELETE CASCADE,
    -- 1 for the first text archived, counting up.
    revision        INTEGER NOT NULL,
    -- The service's `modify_time` of that text, when it had one.
    modify_time     TEXT,
    -- When a sync saw it replaced.
    replaced_at_ms  INTEGER NOT NULL,
    plain_text      TEXT    NOT NULL,
    raw_json        TEXT    NOT NULL,
    PRIMARY KEY (topic_id, revision)
) WITHOUT ROWID;

-- Items of topic lists that did not decode, kept whole so that a later version can read them.
CREATE TABLE undecoded_topics (
    group_id        INTEGER NOT NULL,
    -- The topic id when readable, otherwise the raw JSON itself.
    item_key        TEXT    NOT NULL,
    topic_id        INTEGER,
    create_time     TEXT,
    error           TEXT    NOT NULL,
    raw_json        TEXT    NOT NULL,
    first_seen_ms   INTEGER NOT NULL,
    PRIMARY KEY (group_id, item_key)
) WITHOUT ROWID;
