//! The member's own open questions, account-wide: one request per run that notices every answer
//! to them, in any circle and however old the question (the circles' own walks only re-read
//! their newest topics and a few pages of open questions).
//!
//! `/v2/users/self/topics/questions?filter=unanswered` lists the questions still waiting,
//! newest asked first. A question of the member's that is open in the archive and no longer in
//! that list was answered (or expired, or deleted) since: it is fetched by id and archived, so
//! the change of `answered` reaches the inbox through the change feed. The answered list would
//! not do: it is ordered by when questions were asked, so an old question answered today sits
//! deep in it. The listed questions are archived too (a new one is archived at once) and
//! remembered as the member's (`my_questions`): an anonymous question names no asker.

use std::collections::{BTreeMap, HashSet};

use zsxq::{ApiError, GroupId, Topic, TopicId};

use super::circle::Ctx;
use super::error::Stop;

/// Open questions read per run; a member with more waiting than this has the oldest checked by
/// the circles' own walks.
const PAGE: u32 = 30;
/// Questions fetched by id per run at most: answers arrive one by one.
const MAX_FETCHES: usize = 10;

/// Notices answers to the member's open questions and archives them; returns how many topics
/// changed. A failure is the run's, like any other request's.
pub(super) async fn open_questions(ctx: &Ctx) -> Result<u32, Stop> {
    let mut attempt = 0_u32;
    let page = loop {
        match ctx
            .guard(ctx.client.my_questions(Some(false), PAGE, None))
            .await?
        {
            Ok(page) => break page.data,
            // Not every deployment of the service may serve the list: the circles' own
            // refreshes still see answers to recent questions.
            Err(ApiError::NotFound) => return Ok(0),
            Err(err) => ctx.recover(None, err, &mut attempt).await?,
        }
    };
    let listed: HashSet<i64> = page.topics.iter().map(|t| t.topic_id.get()).collect();
    ctx.store
        .remember_my_questions(&listed.iter().copied().collect::<Vec<_>>())
        .await?;
    // A full page may leave older open questions out; only those it covers can be judged.
    let since = if page.topics.len() < PAGE as usize {
        i64::MIN
    } else {
        page.topics
            .iter()
            .filter_map(|t| t.create_time.map(|time| time.to_unix_millis()))
            .min()
            .unwrap_or(i64::MIN)
    };
    let mut changed = upsert(ctx, page.topics).await?;
    let gone: Vec<i64> = ctx
        .store
        .my_open_questions(since)
        .await?
        .into_iter()
        .map(|(topic, _)| topic)
        .filter(|topic| !listed.contains(topic))
        .take(MAX_FETCHES)
        .collect();
    let mut fetched = Vec::new();
    for topic in gone {
        let mut attempt = 0_u32;
        loop {
            match ctx.guard(ctx.client.topic(TopicId::new(topic))).await? {
                Ok(found) => {
                    fetched.push(found.data);
                    break;
                }
                Err(ApiError::NotFound) => {
                    ctx.store
                        .mark_deleted(TopicId::new(topic), crate::now_ms())
                        .await?;
                    break;
                }
                Err(err) => ctx.recover(None, err, &mut attempt).await?,
            }
        }
    }
    changed += upsert(ctx, fetched).await?;
    Ok(changed)
}

/// Archives topics from anywhere, by their circle.
async fn upsert(ctx: &Ctx, topics: Vec<Topic>) -> Result<u32, Stop> {
    let mut by_circle: BTreeMap<GroupId, Vec<Topic>> = BTreeMap::new();
    for topic in topics {
        if let Some(group) = topic.group.as_ref().map(|g| g.group_id) {
            by_circle.entry(group).or_default().push(topic);
        }
    }
    let mut changed = 0;
    for (group, topics) in by_circle {
        let outcome = ctx.store.upsert_topics(group, &topics).await?;
        changed += outcome.inserted + outcome.updated;
    }
    Ok(changed)
}
