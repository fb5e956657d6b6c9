-- The last finished sync run of each outcome (crates/core/src/store/sync_runs.rs): what
-- "last synced" shows after the app restarts.
CREATE TABLE sync_runs (
    -- `caught_up`, `partial`, `cancelled` or `needs_login`.
    status       TEXT    PRIMARY KEY,
    finished_ms  INTEGER NOT NULL,
    new_topics   INTEGER NOT NULL,
    requests     INTEGER NOT NULL
) WITHOUT ROWID;
