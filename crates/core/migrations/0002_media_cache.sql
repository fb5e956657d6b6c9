-- The media cache (crates/core/src/media.rs): images and files downloaded into
-- `<data>/media/<first two hex digits>/<sha-256>`, content-addressed, under a size cap.

-- One row per blob on disk. `path` is relative to the data directory; `images.local_path` and
-- `files.local_path` point at it. A blob is written (and renamed into place) before its row
-- commits, and its row is deleted before the file is, so a row never names a missing file; a
-- crash can only leave an orphan file, which `MediaCache::sweep` removes.
CREATE TABLE media_blobs (
    hash            TEXT    PRIMARY KEY,
    path            TEXT    NOT NULL,
    size            INTEGER NOT NULL,
    -- Unix milliseconds of the last store or read: the size cap evicts the oldest first.
    last_used_ms    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX media_blobs_lru ON media_blobs (last_used_ms);

-- Why an image could not be cached (gone, refused URL); NULL when it may be tried. Cleared
-- when a re-walk brings a new URL.
ALTER TABLE images ADD COLUMN cache_error TEXT;
CREATE INDEX images_uncached ON images (topic_id) WHERE local_path IS NULL AND cache_error IS NULL;
