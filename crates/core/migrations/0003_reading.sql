-- What the member has read (crates/core/src/store/reads.rs). Local only: the service's own read
-- markers are per menu, not per topic, and a desktop reader needs per-topic state offline.

-- A topic opened in the reader.
CREATE TABLE topic_reads (
    topic_id    INTEGER PRIMARY KEY,
    read_at_ms  INTEGER NOT NULL
);

-- "Mark all as read" for a circle: every topic posted at or before `read_until_ms` is read.
CREATE TABLE circle_reads (
    group_id       INTEGER PRIMARY KEY,
    read_until_ms  INTEGER NOT NULL
);
