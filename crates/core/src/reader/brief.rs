//! The brief and the saved list as the window shows them.

use std::collections::HashSet;

use orrery_ipc::commands::{
    BriefDto, BriefItemDto, BriefMarkDto, BriefMarkEntryDto, SavedDto, StanceDto,
};
use orrery_ipc::id as ipc;
use orrery_ipc::words::Lang;

use super::ReaderError;
use crate::brief::{Brief, BriefItem, DEFAULT_SINCE_MS, Marks, Reason};
use crate::store::{Mark, Store};

/// The brief over the last `since_hours` (three days when `None`), worded in `lang`.
pub async fn brief(
    store: &Store,
    since_hours: Option<u32>,
    lang: Lang,
    now_ms: i64,
) -> Result<BriefDto, ReaderError> {
    let since = since_hours.map_or(DEFAULT_SINCE_MS, |h| i64::from(h) * 60 * 60 * 1000);
    let brief = Brief::build(store, now_ms.saturating_sub(since)).await?;
    let saved: HashSet<i64> = store
        .saved_topics()
        .await?
        .into_iter()
        .map(|t| t.get())
        .collect();
    let dto = |item: BriefItem| item_dto(item, lang, &saved);
    Ok(BriefDto {
        since_ms: brief.since_ms,
        items: brief.items.into_iter().map(dto).collect(),
        noise: brief.noise.into_iter().map(dto).collect(),
    })
}

fn item_dto(item: BriefItem, lang: Lang, saved: &HashSet<i64>) -> BriefItemDto {
    BriefItemDto {
        why: item.why(lang),
        mine: item
            .reasons
            .iter()
            .any(|r| matches!(r, Reason::Mine { .. })),
        noise: item.noise.map(|n| {
            serde_json::to_value(n)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        }),
        saved: saved.contains(&item.topic_id),
        topic: ipc::TopicId::new(item.topic_id),
        circle: ipc::CircleId::new(item.group_id),
        circle_name: item.circle,
        author: item.author,
        author_id: item.author_id.map(ipc::UserId::new),
        kind: item.kind,
        title: item.title,
        extract: item.extract,
        at_ms: item.create_time_ms,
        tags: item.hashtags,
        images: item.images.into_iter().map(ipc::ImageId::new).collect(),
    }
}

/// The saved topics as timeline rows, newest saved first; one no longer archived is left out.
pub async fn saved(store: &Store) -> Result<SavedDto, ReaderError> {
    let ids = store.saved_topics().await?;
    let unread = store.unread_among(&ids).await?;
    let mut topics = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(found) = store.topic(id).await? {
            topics.push(super::row(&found.summary, &unread));
        }
    }
    Ok(SavedDto { topics })
}

/// A follow or a mute as the window names it, with its stance (`Some(true)` followed).
pub fn mark_entry(mark: Mark, name: String, stance: Option<bool>) -> BriefMarkEntryDto {
    BriefMarkEntryDto {
        mark: match mark {
            Mark::Author(id) => BriefMarkDto::Author {
                id: ipc::UserId::new(id),
            },
            Mark::Tag(name) => BriefMarkDto::Tag { name },
        },
        name,
        stance: match stance {
            Some(true) => StanceDto::Follow,
            Some(false) => StanceDto::Mute,
            None => StanceDto::None,
        },
    }
}

/// What the reader offers to follow or mute on a topic: its author (when known), then its
/// hashtags, each with the stance `marks` gives it.
pub fn topic_marks(
    marks: &Marks,
    author: Option<(i64, String)>,
    hashtags: &[String],
) -> Vec<BriefMarkEntryDto> {
    let author = author.map(|(id, name)| (Mark::Author(id), name));
    let tags = hashtags.iter().map(|t| (Mark::Tag(t.clone()), t.clone()));
    author
        .into_iter()
        .chain(tags)
        .map(|(mark, name)| {
            let stance = marks.stance(&mark);
            mark_entry(mark, name, stance)
        })
        .collect()
}
