//! Walking a whole topic list, newest to oldest, without losing or repeating a topic.
//!
//! The lists have no cursor of their own: the next page is asked for with `end_time` = the
//! oldest `create_time` seen, and `end_time` is *inclusive* (docs/protocol.md §5). So every page
//! after the first repeats the topics of the boundary millisecond, and [`TopicPager`] drops
//! them by `topic_id`.
//!
//! The popular shortcut — `end_time` minus 1 ms — avoids the repeats but silently skips every
//! other topic created in that same millisecond (imports and bots create many). The pager does
//! not use it, with one exception it cannot avoid: when an entire page of the largest size the
//! service allows ([`MAX_TOPICS_PER_PAGE`]) shares one millisecond, the inclusive cursor cannot
//! move past it; the pager first retries that millisecond with the largest page, and only if
//! that is full too steps back 1 ms, logs a warning and counts it in
//! [`TopicPager::stuck_milliseconds`].

use std::collections::HashSet;

use super::endpoints::{MAX_TOPICS_PER_PAGE, clamp_count};
use super::{Client, Response, TopicScope, TopicsQuery};
use crate::id::{ColumnId, GroupId, HashtagId, TopicId};
use crate::model::{Topic, TopicsPage, UndecodedTopic};
use crate::{ApiError, Timestamp};

/// Which list to walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicSource {
    /// A group's tab: `/v2/groups/{group_id}/topics?scope=…`.
    Group {
        /// The group.
        group: GroupId,
        /// The tab.
        scope: TopicScope,
    },
    /// A hashtag: `/v2/hashtags/{hashtag_id}/topics`.
    Hashtag(HashtagId),
    /// A column: `/v2/groups/{group_id}/columns/{column_id}/topics`.
    Column {
        /// The group.
        group: GroupId,
        /// The column.
        column: ColumnId,
    },
}

/// What one step of a walk yields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopicBatch {
    /// Topics not yielded before, newest first.
    pub topics: Vec<Topic>,
    /// Items of the same pages that did not decode, not yielded before.
    pub undecoded: Vec<UndecodedTopic>,
}

impl TopicBatch {
    /// Whether the step brought nothing at all.
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty() && self.undecoded.is_empty()
    }
}

/// Pages through a topic list with the inclusive `end_time` cursor, yielding each topic once.
///
/// ```no_run
/// # async fn demo(client: zsxq::client::Client, group: zsxq::GroupId) -> Result<(), zsxq::ApiError> {
/// use zsxq::client::{TopicPager, TopicScope, TopicSource};
/// let mut pager = TopicPager::new(&client, TopicSource::Group { group, scope: TopicScope::All });
/// while let Some(page) = pager.next_page().await? {
///     for topic in &page.data.topics {
///         // store topic, then checkpoint pager.cursor()
///     }
/// }
/// # Ok(()) }
/// ```
///
/// To resume after a restart, start from the saved [`cursor`](Self::cursor) with
/// [`starting_at`](Self::starting_at): the boundary millisecond comes again, so store topics
/// idempotently (by id).
#[derive(Debug, Clone)]
pub struct TopicPager {
    client: Client,
    source: TopicSource,
    page_size: u32,
    /// The `count` of the next request: `page_size`, or the maximum while stuck at one
    /// millisecond.
    count: u32,
    cursor: Option<Timestamp>,
    seen: HashSet<TopicId>,
    finished: bool,
    stuck_milliseconds: u64,
}

impl TopicPager {
    /// A walk from the newest topic of `source`, [`DEFAULT_PAGE_SIZE`](super::DEFAULT_PAGE_SIZE)
    /// per request.
    pub fn new(client: &Client, source: TopicSource) -> Self {
        Self {
            client: client.clone(),
            source,
            page_size: super::DEFAULT_PAGE_SIZE,
            count: super::DEFAULT_PAGE_SIZE,
            cursor: None,
            seen: HashSet::new(),
            finished: false,
            stuck_milliseconds: 0,
        }
    }

    /// Topics per request (clamped to 1–[`MAX_TOPICS_PER_PAGE`]).
    pub fn page_size(mut self, count: u32) -> Self {
        self.page_size = clamp_count(count);
        self.count = self.page_size;
        self
    }

    /// Starts at `end_time` (inclusive) instead of the newest topic.
    pub fn starting_at(mut self, end_time: Timestamp) -> Self {
        self.cursor = Some(end_time);
        self
    }

    /// The `end_time` of the next request: the checkpoint to save after storing a page.
    pub fn cursor(&self) -> Option<Timestamp> {
        self.cursor
    }

    /// Whether the end of the list has been reached.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Distinct topics yielded so far.
    pub fn topics_seen(&self) -> usize {
        self.seen.len()
    }

    /// How many times a millisecond held more topics than the largest page and had to be
    /// stepped over (so some of its topics may be missing). Zero in any normal circle.
    pub fn stuck_milliseconds(&self) -> u64 {
        self.stuck_milliseconds
    }

    /// The next topics not yielded before, newest first, with the items of those pages that
    /// did not decode (kept, not fatal: see [`crate::model::topic_list`]); `None` at the end
    /// of the list.
    ///
    /// A batch is never empty: requests that bring nothing new are followed up internally.
    pub async fn next_page(&mut self) -> Result<Option<Response<TopicBatch>>, ApiError> {
        while !self.finished {
            let response = self.fetch().await?;
            let expires_in = response.expires_in;
            let batch = self.advance(response.data)?;
            if !batch.is_empty() {
                return Ok(Some(Response {
                    data: batch,
                    expires_in,
                }));
            }
        }
        Ok(None)
    }

    /// Every remaining topic that decodes, in list order.
    pub async fn collect_all(mut self) -> Result<Vec<Topic>, ApiError> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await? {
            all.extend(page.data.topics);
        }
        Ok(all)
    }

    async fn fetch(&self) -> Result<Response<TopicsPage>, ApiError> {
        match self.source {
            TopicSource::Group { group, scope } => {
                let mut query = TopicsQuery::new(scope).count(self.count);
                query.end_time = self.cursor;
                self.client.topics(group, &query).await
            }
            TopicSource::Hashtag(hashtag) => {
                self.client
                    .hashtag_topics(hashtag, self.count, self.cursor)
                    .await
            }
            TopicSource::Column { group, column } => {
                self.client
                    .column_topics(group, column, self.count, self.cursor)
                    .await
            }
        }
    }

    /// Takes one page: moves the cursor, decides whether the list is done, and returns the
    /// items not seen before. Pure bookkeeping, no I/O.
    fn advance(&mut self, page: TopicsPage) -> Result<TopicBatch, ApiError> {
        let requested = usize::try_from(self.count).unwrap_or(usize::MAX);
        // A short page is the last one (docs/protocol.md §5), whatever it contains; an item
        // that did not decode still took its place on the page.
        let full = page.len() >= requested;
        // The oldest instant on the page, not just the last item's, in case the service's
        // order within a page is not strictly by time.
        let oldest = page
            .topics
            .iter()
            .filter_map(|t| t.create_time)
            .chain(page.undecoded.iter().filter_map(|u| u.create_time))
            .min();
        let topics: Vec<Topic> = page
            .topics
            .into_iter()
            .filter(|topic| self.seen.insert(topic.topic_id))
            .collect();
        // Without an id an item cannot be recognised when the boundary brings it again;
        // whoever stores it de-duplicates by its content.
        let undecoded: Vec<UndecodedTopic> = page
            .undecoded
            .into_iter()
            .filter(|item| item.topic_id.is_none_or(|id| self.seen.insert(id)))
            .collect();
        let fresh = TopicBatch { topics, undecoded };

        if !full {
            self.finished = true;
            return Ok(fresh);
        }
        let Some(oldest) = oldest else {
            return Err(ApiError::malformed(
                "a full page of topics without create_time: cannot page further",
            ));
        };
        if Some(oldest) != self.cursor {
            self.cursor = Some(oldest);
            self.count = self.page_size;
            return Ok(fresh);
        }
        // The whole page lies in the cursor's millisecond, so asking again with the same
        // cursor would return the same page.
        if !fresh.is_empty() && self.count < MAX_TOPICS_PER_PAGE {
            // Deliver these; the next request (same cursor) will show whether more wait there.
            return Ok(fresh);
        }
        if self.count < MAX_TOPICS_PER_PAGE {
            self.count = MAX_TOPICS_PER_PAGE;
            return Ok(fresh);
        }
        // A full page of the largest size in one millisecond: the service offers no way to
        // reach the rest of it. Step over it rather than loop forever.
        tracing::warn!(
            millisecond = %oldest,
            page = self.count,
            "more topics in one millisecond than a page holds; stepping over it, some may be missing"
        );
        self.stuck_milliseconds += 1;
        self.count = self.page_size;
        match oldest.checked_add_millis(-1) {
            Some(earlier) => self.cursor = Some(earlier),
            None => self.finished = true,
        }
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::client::{AccessToken, ClientConfig};

    fn pager(page_size: u32) -> TopicPager {
        let token = AccessToken::new("t").expect("token");
        let client = Client::new(ClientConfig::default(), token).expect("client");
        TopicPager::new(
            &client,
            TopicSource::Group {
                group: GroupId::new(1),
                scope: TopicScope::All,
            },
        )
        .page_size(page_size)
    }

    /// A topic created `millis` ms after an arbitrary instant; a negative id gives an item
    /// that does not decode (a talk without its owner) with id `-id`.
    fn topic(id: i64, millis: i64) -> Value {
        let time = Timestamp::from_unix_millis(1_765_346_165_000 + millis).expect("time");
        if id < 0 {
            return json!({"topic_id": -id, "type": "talk", "create_time": time.to_string(),
                          "talk": {"text": "x"}});
        }
        json!({"topic_id": id, "type": "talk", "create_time": time.to_string()})
    }

    fn time_of(item: &Value) -> Timestamp {
        Timestamp::parse(item["create_time"].as_str().expect("time")).expect("time")
    }

    /// What the service answers: topics at or before `end_time`, newest first (ties by id,
    /// descending), at most `count`.
    fn serve(all: &[(i64, i64)], end_time: Option<Timestamp>, count: u32) -> TopicsPage {
        let mut list: Vec<Value> = all.iter().map(|&(id, ms)| topic(id, ms)).collect();
        list.sort_by_key(|t| std::cmp::Reverse((time_of(t), t["topic_id"].as_i64())));
        let topics: Vec<Value> = list
            .into_iter()
            .filter(|t| end_time.is_none_or(|end| time_of(t) <= end))
            .take(usize::try_from(count).expect("count"))
            .collect();
        serde_json::from_value(json!({ "topics": topics })).expect("page")
    }

    /// Drives `advance` against `serve` like `next_page` drives it against the network;
    /// undecoded items come out as negative ids.
    fn walk(pager: &mut TopicPager, all: &[(i64, i64)]) -> (Vec<i64>, usize) {
        let mut ids = Vec::new();
        let mut requests = 0;
        while !pager.is_finished() {
            requests += 1;
            assert!(requests < 10_000, "the pager does not terminate");
            let page = serve(all, pager.cursor, pager.count);
            let batch = pager.advance(page).expect("page");
            ids.extend(batch.topics.iter().map(|t| t.topic_id.get()));
            ids.extend(
                batch
                    .undecoded
                    .iter()
                    .map(|u| -u.topic_id.expect("id").get()),
            );
        }
        (ids, requests)
    }

    #[test]
    fn items_that_do_not_decode_still_fill_pages_and_move_the_cursor() {
        // Every fifth topic lacks its owner, the last one of each page among them: were they
        // not counted, full pages would look short and the walk would end after one.
        let all: Vec<(i64, i64)> = (1..=50)
            .map(|i| (if i % 5 == 0 { -i } else { i }, i * 1000))
            .collect();
        let mut pager = pager(10);
        let (ids, _) = walk(&mut pager, &all);
        assert_eq!(ids.len(), 50, "{ids:?}");
        let odd: Vec<i64> = ids.iter().copied().filter(|id| *id < 0).collect();
        assert_eq!(odd.len(), 10, "each reported once: {odd:?}");
    }

    #[test]
    fn distinct_times_are_walked_once_each() {
        let all: Vec<(i64, i64)> = (1..=95).map(|i| (i, i * 1000)).collect();
        let mut pager = pager(20);
        let (ids, _) = walk(&mut pager, &all);
        assert_eq!(ids, (1..=95).rev().collect::<Vec<_>>());
        assert_eq!(pager.stuck_milliseconds(), 0);
    }

    #[test]
    fn many_topics_in_one_millisecond_are_all_found() {
        // 25 topics share one millisecond, straddling page boundaries of 10; -1 ms paging
        // would lose up to 9 of them.
        let mut all: Vec<(i64, i64)> = (1..=30).map(|i| (i, i * 10)).collect();
        all.extend((100..125).map(|id| (id, 155)));
        let mut pager = pager(10);
        let (ids, _) = walk(&mut pager, &all);
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "no duplicates");
        assert_eq!(ids.len(), all.len(), "nothing skipped");
        assert_eq!(pager.stuck_milliseconds(), 0);
    }

    #[test]
    fn exact_page_multiples_end_with_one_empty_request() {
        let all: Vec<(i64, i64)> = (1..=40).map(|i| (i, i)).collect();
        let mut pager = pager(20);
        let (ids, requests) = walk(&mut pager, &all);
        assert_eq!(ids.len(), 40);
        // 20 new, 19 new (+1 repeat), 1 new (+1 repeat)… then the short page ends it.
        assert!(requests >= 3);
    }

    #[test]
    fn a_millisecond_larger_than_the_biggest_page_is_stepped_over_not_looped() {
        let mut all: Vec<(i64, i64)> = (1..=5).map(|i| (i, i)).collect();
        all.extend((100..140).map(|id| (id, 50)));
        let mut pager = pager(10);
        let (ids, _) = walk(&mut pager, &all);
        assert_eq!(pager.stuck_milliseconds(), 1);
        // The 30 reachable topics of that millisecond and everything before it.
        assert_eq!(ids.len(), 30 + 5);
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
    }

    #[test]
    fn a_resumed_walk_starts_at_its_checkpoint() {
        let all: Vec<(i64, i64)> = (1..=10).map(|i| (i, i * 1000)).collect();
        let checkpoint = Timestamp::from_unix_millis(1_765_346_165_000 + 5000).expect("time");
        let mut pager = pager(4).starting_at(checkpoint);
        let (ids, _) = walk(&mut pager, &all);
        assert_eq!(ids, [5, 4, 3, 2, 1]);
    }

    #[test]
    fn an_empty_list_finishes_at_once() {
        let mut pager = pager(20);
        let (ids, requests) = walk(&mut pager, &[]);
        assert!(ids.is_empty());
        assert_eq!(requests, 1);
    }
}
