//! The account-wide list of the member's own questions: one request per run that brings every
//! answer to them, in any circle and however old the question (the circles' own walks only
//! re-read their newest topics and a few pages of open questions).
//!
//! The list's first page (`/v2/users/self/topics/questions?filter=answered`, newest first) is
//! upserted into the archive like any topic page, so an answer that arrived since the last
//! run changes the topic's `answered` and the change feed carries it to the inbox. Its topics
//! are also remembered as the member's (`my_questions`): an anonymous question names no asker.

use std::collections::BTreeMap;

use zsxq::{GroupId, Topic};

use super::circle::Ctx;
use super::error::Stop;

/// Questions read per run: answers arrive one by one, and a run every few minutes never misses
/// twenty.
const PAGE: u32 = 20;

/// Reads the newest answered questions of the member and archives them; returns how many
/// topics changed. A failure is the run's, like any other request's.
pub(super) async fn answered_questions(ctx: &Ctx) -> Result<u32, Stop> {
    let mut attempt = 0_u32;
    let page = loop {
        match ctx
            .guard(ctx.client.my_questions(Some(true), PAGE, None))
            .await?
        {
            Ok(page) => break page.data,
            // Not every deployment of the service may serve the list: the circles' own
            // refreshes still see answers to recent questions.
            Err(zsxq::ApiError::NotFound) => return Ok(0),
            Err(err) => ctx.recover(None, err, &mut attempt).await?,
        }
    };
    let ids: Vec<i64> = page.topics.iter().map(|t| t.topic_id.get()).collect();
    ctx.store.remember_my_questions(&ids).await?;
    let mut by_circle: BTreeMap<GroupId, Vec<Topic>> = BTreeMap::new();
    for topic in page.topics {
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
