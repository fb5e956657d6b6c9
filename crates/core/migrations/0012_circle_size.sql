-- How big each circle is, as the service says (`statistics.topics.topics_count` and
-- `create_time` of `/v2/groups/{id}`), and when that was asked (store/backlog.rs): what the
-- estimates of a first sync start from. NULL until the sync has asked.
ALTER TABLE circles ADD COLUMN topics_total INTEGER;
ALTER TABLE circles ADD COLUMN created_ms INTEGER;
ALTER TABLE circles ADD COLUMN sized_ms INTEGER;
