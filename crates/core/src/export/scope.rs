//! What an export takes: a circle, a tab, a hashtag, a column, a date range, the topics of a
//! search, or topics picked one by one — combined, each narrowing the others.

use std::collections::HashSet;

use zsxq::{GroupId, TopicId, TopicKind};

use crate::search::{SearchError, SearchIndex, SearchRequest, SortOrder};

/// The topics to export. Empty: the whole archive. Deleted topics are included (the archive
/// keeps them, and the export marks them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportScope {
    pub circle: Option<GroupId>,
    /// Only 精华.
    pub digests: bool,
    /// Only what each circle's owner posted (只看星主).
    pub owner: bool,
    /// Only this kind (the 问答 tab is `q&a`).
    pub kind: Option<TopicKind>,
    /// Without the `#` markers.
    pub hashtag: Option<String>,
    pub column: Option<i64>,
    /// Posted at or after (unix milliseconds).
    pub after_ms: Option<i64>,
    /// Posted before.
    pub before_ms: Option<i64>,
    /// Only these (a search's topics, or a selection in a list).
    pub topics: Option<Vec<TopicId>>,
}

/// Page size when collecting a query's topics.
const QUERY_PAGE: usize = 1_000;

/// The topics `query` finds (the search's language, filters included), each once, for
/// [`ExportScope::topics`]; a match in a comment brings its topic.
pub fn topics_matching(index: &SearchIndex, query: &str) -> Result<Vec<TopicId>, SearchError> {
    let mut seen = HashSet::new();
    let mut topics = Vec::new();
    let mut offset = 0;
    loop {
        let request = SearchRequest {
            query: query.to_owned(),
            sort: SortOrder::Newest,
            offset,
            limit: QUERY_PAGE,
        };
        let page = index.search(&request)?;
        for hit in &page.hits {
            if seen.insert(hit.topic_id) {
                topics.push(TopicId::new(hit.topic_id));
            }
        }
        offset += page.hits.len();
        if page.hits.is_empty() || offset >= page.total {
            return Ok(topics);
        }
    }
}
