//! What the reading screens show, built from the archive as `orrery-ipc` views: the circles
//! with unread counts, timeline pages, a topic with its thread and its earlier versions,
//! search results, the inbox and the brief, and the documents imported into 已保存. Topics deleted on 知识星球 stay in every view, marked with when a sync
//! noticed; only the timeline can be asked to leave them out.
//!
//! Every text from the service is rendered here, in the core, through
//! [`zsxq::rich_text::to_html`] and [`zsxq::rich_text::sanitize_article`], so the webview only
//! ever receives HTML built from an allow-list. The views are the IPC DTOs themselves: they are
//! presentation data with no behaviour, and mirroring each in a core type would only add a copy
//! step (docs/decisions.md).

mod brief;
mod documents;
mod inbox;
mod plan;
mod search;
pub(crate) mod text;
mod topic;

use std::collections::HashSet;

use orrery_ipc::commands::{
    ArchiveOverviewDto, CircleDto, CircleFiltersDto, CursorDto, FacetDto, MirrorDto, SyncStateDto,
    TabDto, TimelineArgs, TimelinePageDto, TopicKindDto, TopicRowDto,
};
use orrery_ipc::id as ipc;
use zsxq::{ColumnId, GroupId, TopicId, TopicKind};

use crate::store::{
    Facet, Mirror, Store, StoreError, TimelineFilter, TimelineKey, TimelineQuery, TopicSummary,
};

pub use brief::{brief, mark_entry, saved};
pub use documents::{document, documents, markdown_html};
pub use inbox::{inbox, my_questions};
pub use plan::mirror_plan;
pub use search::search_results;
pub use topic::open_topic;

/// The largest timeline page the UI may ask for.
pub const MAX_PAGE: u32 = 200;

/// Why a view could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReaderError {
    /// An id from the UI is not a number.
    #[error("“{0}” is not an id")]
    BadId(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Parses a decimal id sent by the UI.
pub fn parse_id(id: &str) -> Result<i64, ReaderError> {
    id.trim()
        .parse()
        .map_err(|_| ReaderError::BadId(id.to_owned()))
}

/// Every archived circle with its counts and unread topics.
pub async fn overview(
    store: &Store,
    sync: SyncStateDto,
) -> Result<ArchiveOverviewDto, ReaderError> {
    let circles = store.circles().await?;
    let counts = store.reading_counts().await?;
    let mut dtos = Vec::with_capacity(circles.len());
    for circle in circles {
        let count = counts.iter().find(|c| c.group_id == circle.group_id);
        let states = store.sync_states(circle.group_id).await?;
        dtos.push(CircleDto {
            id: ipc::CircleId::new(circle.group_id.get()),
            name: circle.name,
            topics: count.map_or(0, |c| c.topics),
            unread: count.map_or(0, |c| c.unread),
            expired: states.iter().any(|s| s.expired),
            mirror: mirror_dto(circle.mirror),
        });
    }
    Ok(ArchiveOverviewDto {
        sync,
        inbox_unread: store.inbox_unread().await?,
        circles: dtos,
    })
}

/// A mirror choice as the window shows it.
pub fn mirror_dto(mirror: Mirror) -> MirrorDto {
    match mirror {
        Mirror::All => MirrorDto::All,
        Mirror::Months(months) => MirrorDto::Months { months },
        Mirror::Nothing => MirrorDto::Nothing,
    }
}

/// A mirror choice from the window.
pub fn mirror_of(dto: MirrorDto) -> Mirror {
    match dto {
        MirrorDto::All => Mirror::All,
        MirrorDto::Months { months: 0 } | MirrorDto::Nothing => Mirror::Nothing,
        MirrorDto::Months { months } => Mirror::Months(months),
    }
}

/// One page of a circle's timeline.
pub async fn timeline(store: &Store, args: &TimelineArgs) -> Result<TimelinePageDto, ReaderError> {
    let group = GroupId::new(args.circle.get());
    let filter = if let Some(tag) = args.hashtag.as_deref().filter(|t| !t.is_empty()) {
        TimelineFilter::Hashtag(tag.to_owned())
    } else if let Some(column) = args.column.as_deref().filter(|c| !c.is_empty()) {
        TimelineFilter::Column(ColumnId::new(parse_id(column)?))
    } else {
        match args.tab {
            TabDto::Latest => TimelineFilter::All,
            TabDto::Digests => TimelineFilter::Digests,
            TabDto::Owner => TimelineFilter::Owner,
            TabDto::Questions => TimelineFilter::Kind(TopicKind::QuestionAnswer),
            TabDto::Tasks => TimelineFilter::Kind(TopicKind::Task),
        }
    };
    let after = args.after.as_ref().map(|cursor| TimelineKey {
        create_time_ms: cursor.time_ms,
        topic_id: TopicId::new(cursor.topic_id.get()),
    });
    let limit = args.limit.clamp(1, MAX_PAGE);
    let query = TimelineQuery {
        filter,
        hide_deleted: args.hide_deleted,
    };
    let topics = store.timeline(group, query, after, limit).await?;
    let ids: Vec<TopicId> = topics.iter().map(|t| t.topic_id).collect();
    let unread = store.unread_among(&ids).await?;
    let next = (topics.len() == limit as usize)
        .then(|| topics.last())
        .flatten()
        .map(|last| {
            let key = last.key();
            CursorDto {
                time_ms: key.create_time_ms,
                topic_id: ipc::TopicId::new(key.topic_id.get()),
            }
        });
    Ok(TimelinePageDto {
        topics: topics.iter().map(|t| row(t, &unread)).collect(),
        next,
    })
}

/// A circle's hashtags and columns.
pub async fn circle_filters(
    store: &Store,
    circle: GroupId,
) -> Result<CircleFiltersDto, ReaderError> {
    let facets = store.circle_facets(circle).await?;
    let dto = |f: Facet| FacetDto {
        id: f.id,
        name: f.name,
        topics: f.topics,
    };
    Ok(CircleFiltersDto {
        hashtags: facets.hashtags.into_iter().map(dto).collect(),
        columns: facets.columns.into_iter().map(dto).collect(),
    })
}

/// A timeline row.
pub(crate) fn row(topic: &TopicSummary, unread: &HashSet<TopicId>) -> TopicRowDto {
    let (title, excerpt) = text::title_and_excerpt(topic.title.as_deref(), &topic.plain_text);
    TopicRowDto {
        id: ipc::TopicId::new(topic.topic_id.get()),
        circle_id: ipc::CircleId::new(topic.group_id.get()),
        kind: kind(&topic.kind),
        author: topic.author_name.clone(),
        time_ms: topic.create_time.to_unix_millis(),
        title,
        excerpt,
        digest: topic.digested,
        sticky: topic.sticky,
        answered: topic.answered,
        likes: topic.likes_count,
        comments: topic.comments_count,
        unread: unread.contains(&topic.topic_id),
        deleted_at_ms: topic.deleted_at_ms,
        edited: topic.edited,
    }
}

fn kind(kind: &TopicKind) -> TopicKindDto {
    match kind {
        TopicKind::Talk => TopicKindDto::Talk,
        TopicKind::QuestionAnswer => TopicKindDto::Question,
        TopicKind::Task => TopicKindDto::Task,
        TopicKind::Solution => TopicKindDto::Solution,
        TopicKind::Other(_) => TopicKindDto::Other,
    }
}
