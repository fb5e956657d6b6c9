-- Images whose host could not be reached (crates/core/src/sync/images.rs): how many syncs in a
-- row failed to fetch one, and not before when the next may try again. A dead image host then
-- costs a sync one attempt, not every image's retries, and never fails the circle.
ALTER TABLE images ADD COLUMN cache_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN cache_retry_at_ms INTEGER;
