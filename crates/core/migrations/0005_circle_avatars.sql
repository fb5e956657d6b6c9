-- A circle's picture (its `background_url`), cached on demand for the sidebar like the
-- reader's images: a blob of `media_blobs`, evicted with them.
ALTER TABLE circles ADD COLUMN avatar_path TEXT;
