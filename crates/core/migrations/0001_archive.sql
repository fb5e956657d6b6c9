-- The first schema of the archive (crates/core/src/store). Decisions: docs/archive.md.
--
-- Conventions: ids are the service's 64-bit integers (INTEGER is a 64-bit signed integer in
-- SQLite, so nothing goes through a float); every instant is stored twice, as unix
-- milliseconds (`*_ms`, for ordering and ranges) and as the service's original string (for
-- exact round trips and as paging cursors); booleans are 0/1; `raw_json` keeps the model's
-- serde_json, unknown fields included, so a better parser can re-derive every column.

-- Circles (星球). `list_order` is the position in /v2/groups, so summaries list circles the
-- way the service does; stubs created from a topic's group have none.
CREATE TABLE circles (
    group_id    INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '',
    kind        TEXT,
    list_order  INTEGER,
    raw_json    TEXT    NOT NULL DEFAULT '{}'
);

CREATE TABLE users (
    user_id     INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '',
    avatar_url  TEXT,
    raw_json    TEXT    NOT NULL DEFAULT '{}'
);

CREATE TABLE topics (
    topic_id        INTEGER PRIMARY KEY,
    group_id        INTEGER NOT NULL REFERENCES circles (group_id),
    kind            TEXT    NOT NULL,
    -- The poster; NULL for anonymous questions and unknown types.
    author_id       INTEGER REFERENCES users (user_id),
    -- q&a: who was asked, and who answered.
    questionee_id   INTEGER REFERENCES users (user_id),
    answerer_id     INTEGER REFERENCES users (user_id),
    create_time_ms  INTEGER NOT NULL,
    create_time     TEXT    NOT NULL CHECK (length(create_time) > 0),
    modify_time_ms  INTEGER,
    modify_time     TEXT,
    title           TEXT,
    -- Derived from the rich text: question and answer for q&a, plus the owner's annotation.
    plain_text      TEXT    NOT NULL,
    digested        INTEGER NOT NULL,
    sticky          INTEGER NOT NULL,
    answered        INTEGER NOT NULL,
    silenced        INTEGER NOT NULL,
    likes_count     INTEGER NOT NULL,
    comments_count  INTEGER NOT NULL,
    rewards_count   INTEGER NOT NULL,
    reading_count   INTEGER NOT NULL,
    readers_count   INTEGER NOT NULL,
    raw_json        TEXT    NOT NULL
);
-- The timeline: newest first within a circle, ties broken by id (many topics can share a
-- millisecond), walked with a keyset cursor.
CREATE INDEX topics_timeline ON topics (group_id, create_time_ms DESC, topic_id DESC);
CREATE INDEX topics_author ON topics (author_id);
CREATE INDEX topics_questionee ON topics (questionee_id) WHERE questionee_id IS NOT NULL;

-- Comments and replies, one row each. `parent_id` is the top-level comment a reply sits
-- under (no foreign key: the service may keep a reply whose parent was deleted).
CREATE TABLE comments (
    comment_id      INTEGER PRIMARY KEY,
    topic_id        INTEGER NOT NULL REFERENCES topics (topic_id) ON DELETE CASCADE,
    parent_id       INTEGER,
    author_id       INTEGER NOT NULL REFERENCES users (user_id),
    repliee_id      INTEGER REFERENCES users (user_id),
    create_time_ms  INTEGER,
    create_time     TEXT,
    plain_text      TEXT    NOT NULL,
    likes_count     INTEGER NOT NULL,
    sticky          INTEGER NOT NULL,
    raw_json        TEXT    NOT NULL
);
CREATE INDEX comments_thread ON comments (topic_id, create_time_ms, comment_id);
CREATE INDEX comments_author ON comments (author_id);
CREATE INDEX comments_repliee ON comments (repliee_id) WHERE repliee_id IS NOT NULL;

-- Images of topics (part: body, answer) and of comments. URLs are signed and expire, so they
-- are refreshed on every upsert while `local_path` (relative to the data directory) survives.
CREATE TABLE images (
    image_id        INTEGER PRIMARY KEY,
    topic_id        INTEGER NOT NULL REFERENCES topics (topic_id) ON DELETE CASCADE,
    comment_id      INTEGER REFERENCES comments (comment_id) ON DELETE CASCADE,
    part            TEXT    NOT NULL,
    position        INTEGER NOT NULL,
    format          TEXT,
    thumbnail_url   TEXT    NOT NULL,
    large_url       TEXT    NOT NULL,
    original_url    TEXT,
    width           INTEGER,
    height          INTEGER,
    size            INTEGER,
    local_path      TEXT,
    raw_json        TEXT    NOT NULL
);
CREATE INDEX images_topic ON images (topic_id, part, position);
CREATE INDEX images_comment ON images (comment_id) WHERE comment_id IS NOT NULL;

CREATE TABLE files (
    file_id         INTEGER PRIMARY KEY,
    topic_id        INTEGER NOT NULL REFERENCES topics (topic_id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    hash            TEXT,
    size            INTEGER,
    duration        INTEGER,
    create_time_ms  INTEGER,
    create_time     TEXT,
    local_path      TEXT,
    raw_json        TEXT    NOT NULL
);
CREATE INDEX files_topic ON files (topic_id, position);

-- The long-form article a talk announces: the link from the topic, then (once fetched) its
-- HTML and the text extracted from it.
CREATE TABLE articles (
    topic_id            INTEGER PRIMARY KEY REFERENCES topics (topic_id) ON DELETE CASCADE,
    article_id          TEXT    NOT NULL,
    title               TEXT    NOT NULL,
    article_url         TEXT,
    inline_article_url  TEXT,
    html                TEXT,
    text                TEXT
);

CREATE TABLE hashtags (
    hashtag_id      INTEGER PRIMARY KEY,
    group_id        INTEGER REFERENCES circles (group_id),
    -- Without the `#` markers.
    name            TEXT    NOT NULL,
    topics_count    INTEGER,
    raw_json        TEXT
);
CREATE INDEX hashtags_group ON hashtags (group_id, name);

-- Hashtags as written in a topic's rich text. Keyed by name because composed entities may
-- carry no id; `hashtag_id` is filled when the text names one.
CREATE TABLE topic_hashtags (
    topic_id    INTEGER NOT NULL REFERENCES topics (topic_id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    hashtag_id  INTEGER,
    PRIMARY KEY (topic_id, name)
) WITHOUT ROWID;
CREATE INDEX topic_hashtags_id ON topic_hashtags (hashtag_id, topic_id);
CREATE INDEX topic_hashtags_name ON topic_hashtags (name, topic_id);

CREATE TABLE columns (
    column_id       INTEGER PRIMARY KEY,
    group_id        INTEGER REFERENCES circles (group_id),
    name            TEXT    NOT NULL,
    topics_count    INTEGER,
    raw_json        TEXT
);
CREATE INDEX columns_group ON columns (group_id);

CREATE TABLE topic_columns (
    topic_id    INTEGER NOT NULL REFERENCES topics (topic_id) ON DELETE CASCADE,
    column_id   INTEGER NOT NULL REFERENCES columns (column_id),
    PRIMARY KEY (topic_id, column_id)
) WITHOUT ROWID;
CREATE INDEX topic_columns_column ON topic_columns (column_id, topic_id);

-- The service's read markers, one per tab (menu) of a circle.
CREATE TABLE read_markers (
    group_id            INTEGER NOT NULL REFERENCES circles (group_id),
    menu_id             INTEGER NOT NULL,
    last_read_time_ms   INTEGER NOT NULL,
    last_read_time      TEXT    NOT NULL,
    PRIMARY KEY (group_id, menu_id)
) WITHOUT ROWID;

-- Where each topic list of each circle stands. `scope` is a tab (`all`, `digests`…),
-- `hashtag:<id>` or `column:<id>`. Written in the same transaction as the page it follows.
CREATE TABLE sync_state (
    group_id                INTEGER NOT NULL REFERENCES circles (group_id),
    scope                   TEXT    NOT NULL,
    -- The inclusive `end_time` the backward walk resumes at; NULL before the first page.
    backfill_end_time       TEXT,
    -- The backward walk reached the oldest topic.
    exhausted               INTEGER NOT NULL DEFAULT 0,
    -- The newest topic known to join up, without a gap, with everything older.
    newest_time             TEXT,
    newest_topic_id         INTEGER,
    -- A walk down from the top that has not yet reached `newest`: where it resumes, and the
    -- newest topic it saw (which becomes `newest` when the walk joins up).
    catch_up_end_time       TEXT,
    catch_up_time           TEXT,
    catch_up_topic_id       INTEGER,
    -- The membership lapsed (code 14210): the archive stays readable, syncing stops.
    expired                 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, scope)
) WITHOUT ROWID;

-- Comment threads: where an interrupted walk of a topic's comments resumes.
CREATE TABLE thread_state (
    topic_id            INTEGER PRIMARY KEY REFERENCES topics (topic_id) ON DELETE CASCADE,
    -- The inclusive `begin_time` of the next page; NULL once the thread was walked to its end.
    next_begin_time     TEXT,
    -- The topic's `comments_count` when the thread was last walked to its end: the thread
    -- needs a new walk when the count moves, even if the service lists fewer comments than it
    -- counts (deleted ones), which comparing against stored rows would retry forever.
    complete_at_count   INTEGER
);

-- The change feed: one row per real change, in commit order. AUTOINCREMENT because a
-- sequence number must never be reused, even if old rows are pruned.
CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT    NOT NULL CHECK (entity IN ('topic', 'comment', 'article')),
    entity_id   INTEGER NOT NULL,
    group_id    INTEGER NOT NULL,
    topic_id    INTEGER NOT NULL,
    op          TEXT    NOT NULL CHECK (op IN ('insert', 'update')),
    -- JSON array of the changed fields' names; empty for an insert.
    fields      TEXT    NOT NULL DEFAULT '[]'
);
