-- The brief (crates/core/src/brief.rs, crates/core/src/store/brief.rs): the member's own marks
-- on authors and hashtags, and what they saved for later. Local, like read state: nothing here
-- comes from or goes to the service, and a re-sync never touches it.

-- The brief's window (topics posted since a time, across circles); the timeline's index is
-- per circle.
CREATE INDEX topics_created ON topics (create_time_ms);

-- Follow or mute an author (`kind` 'author', `key` the user id in decimal) or a hashtag
-- (`kind` 'tag', `key` its name without the #). One stance per author or tag.
CREATE TABLE brief_marks (
    kind    TEXT    NOT NULL CHECK (kind IN ('author', 'tag')),
    key     TEXT    NOT NULL,
    stance  TEXT    NOT NULL CHECK (stance IN ('follow', 'mute')),
    set_ms  INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- 稍后读 / Saved: topics kept for later, newest saved first.
CREATE TABLE saved_topics (
    topic_id  INTEGER PRIMARY KEY,
    saved_ms  INTEGER NOT NULL
) WITHOUT ROWID;

-- What the service's read markers (`read_markers`, as last fetched) are owed
-- (crates/core/src/sync/markers.rs): when the member has read a
-- circle up to a time (marked it read, or read everything before that time one by one), the
-- service's own markers (`menus/last_read_time`, shared with the member's phone) are moved there
-- by the next sync, if the Settings switch allows. `until_ms`: the newest time owed;
-- `paid_ms`: the newest the service was told.
CREATE TABLE read_markers_owed (
    group_id  INTEGER PRIMARY KEY,
    until_ms  INTEGER NOT NULL,
    paid_ms   INTEGER
) WITHOUT ROWID;
