-- 已保存 / Saved: documents imported from outside the circles (Markdown and Obsidian notes,
-- Omnivore and Readwise exports, saved web pages; crates/core/src/import.rs,
-- crates/core/src/store/documents.rs). Local, like read state: a sync never touches them.
CREATE TABLE documents (
    doc_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The original's web address: the document's identity when the file names one.
    url           TEXT,
    -- The absolute path it was last imported from: its identity otherwise.
    origin        TEXT    NOT NULL,
    -- SHA-256 of the file's bytes: an unchanged file, or a copy, changes nothing.
    content_hash  TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    author        TEXT,
    -- The URL's host without `www.`: the label beside "已保存" and what `source:` matches.
    site          TEXT,
    -- When it was saved or published as the file says, else the file's modification time.
    saved_ms      INTEGER NOT NULL,
    imported_ms   INTEGER NOT NULL,
    format        TEXT    NOT NULL CHECK (format IN ('markdown', 'html')),
    -- Markdown, or sanitized HTML for saved pages.
    body          TEXT    NOT NULL,
    -- What search indexes: the body's text and the highlights with their notes.
    plain_text    TEXT    NOT NULL,
    -- JSON array of {"quote", "note"?}.
    highlights    TEXT    NOT NULL DEFAULT '[]',
    -- JSON array of names.
    tags          TEXT    NOT NULL DEFAULT '[]'
);
CREATE UNIQUE INDEX documents_url ON documents (url) WHERE url IS NOT NULL;
CREATE INDEX documents_origin ON documents (origin);
CREATE INDEX documents_hash ON documents (content_hash);
CREATE INDEX documents_saved ON documents (saved_ms DESC, doc_id DESC);

-- The change feed learns a fourth entity, `document` (`group_id` 0, `topic_id` the doc id).
-- SQLite cannot alter a CHECK constraint, so the table is copied; its AUTOINCREMENT counter
-- goes with it, so no sequence number is ever handed out twice (consumers remember them).
CREATE TABLE changes_new (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT    NOT NULL CHECK (entity IN ('topic', 'comment', 'article', 'document')),
    entity_id   INTEGER NOT NULL,
    group_id    INTEGER NOT NULL,
    topic_id    INTEGER NOT NULL,
    op          TEXT    NOT NULL CHECK (op IN ('insert', 'update')),
    fields      TEXT    NOT NULL DEFAULT '[]'
);
INSERT INTO changes_new (seq, entity, entity_id, group_id, topic_id, op, fields)
    SELECT seq, entity, entity_id, group_id, topic_id, op, fields FROM changes;
DELETE FROM sqlite_sequence WHERE name = 'changes_new';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'changes_new', seq FROM sqlite_sequence WHERE name = 'changes';
DROP TABLE changes;
ALTER TABLE changes_new RENAME TO changes;
