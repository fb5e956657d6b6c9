-- What the member chose to mirror of each circle (store/mirror.rs): NULL everything (the
-- default), 0 nothing (the circle stays in the list, unsynced), N > 0 the last N months.
ALTER TABLE circles ADD COLUMN mirror_months INTEGER;
