//! Comment threads: only the topics whose `comments_count` moved since their thread was last
//! walked to its end ([`Store::threads_to_fetch`](crate::store::Store::threads_to_fetch)), each
//! walked oldest first with the inclusive `begin_time` and committed page by page with the
//! place the walk resumes.

use std::collections::HashSet;

use zsxq::client::CommentsQuery;
use zsxq::{ApiError, GroupId, TopicId};

use super::circle::{Ctx, Progress, Tally, over_budget};
use super::error::Stop;
use super::{Phase, SyncEvent};
use crate::store::ThreadToFetch;

/// Threads asked of the store at a time.
const BATCH: u32 = 200;

pub(super) async fn threads(ctx: Ctx, group: GroupId) -> Result<Progress, Stop> {
    let mut tally = Tally::default();
    let mut walked: HashSet<TopicId> = HashSet::new();
    let mut announced = false;
    loop {
        // A thread walked this run that the store still lists (its count moved meanwhile) is
        // left for the next run rather than looped on; the limit grows so such threads cannot
        // crowd out the ones still waiting. Walked threads normally leave the list, so the
        // query returns little more than `BATCH` rows.
        let limit = BATCH.saturating_add(u32::try_from(walked.len()).unwrap_or(u32::MAX));
        let batch = ctx.store.threads_to_fetch(group, limit).await?;
        let todo: Vec<ThreadToFetch> = batch
            .into_iter()
            .filter(|t| !walked.contains(&t.topic_id))
            .take(BATCH as usize)
            .collect();
        if todo.is_empty() {
            return Ok(Progress { tally, more: false });
        }
        ctx.announce(&mut announced, group, Phase::Threads);
        for thread in todo {
            if over_budget(ctx.options.threads_per_round, walked.len()) {
                return Ok(Progress { tally, more: true });
            }
            let inserted = walk(&ctx, group, thread).await?;
            walked.insert(thread.topic_id);
            tally.comments_inserted += inserted;
            ctx.emit(SyncEvent::ThreadFetched {
                group_id: group,
                topic_id: thread.topic_id,
                inserted: u32::try_from(inserted).unwrap_or(u32::MAX),
            });
        }
    }
}

/// Walks one thread from where it stopped to its end; returns the comments first archived.
async fn walk(ctx: &Ctx, group: GroupId, thread: ThreadToFetch) -> Result<u64, Stop> {
    let topic = thread.topic_id;
    let mut begin = thread.resume_at;
    let mut inserted = 0_u64;
    loop {
        let query = CommentsQuery {
            begin_time: begin,
            ..CommentsQuery::default()
        };
        let mut attempt = 0_u32;
        let page = loop {
            match ctx.guard(ctx.client.comments(topic, &query)).await? {
                Ok(page) => break page.data,
                // The topic was deleted: its thread is as complete as it will ever be.
                Err(ApiError::NotFound) => {
                    ctx.store.commit_comments(topic, &[], None).await?;
                    return Ok(inserted);
                }
                Err(err) => ctx.recover(Some(group), err, &mut attempt).await?,
            }
        };
        let comments = page.comments;
        // `count` applies to top-level comments; replies come nested under them.
        let full = comments.len() >= query.count as usize;
        let last = comments.iter().filter_map(|c| c.create_time).max();
        let next = match (full, last) {
            (true, Some(last)) if Some(last) != begin => Some(last),
            (true, Some(last)) => {
                // A full page inside one millisecond: the inclusive cursor cannot move past it.
                tracing::warn!(%topic, millisecond = %last, "a page of comments shares one millisecond; stepping over it");
                last.checked_add_millis(1)
            }
            _ => None,
        };
        let outcome = ctx.store.commit_comments(topic, &comments, next).await?;
        inserted += u64::from(outcome.inserted);
        match next {
            Some(next) => begin = Some(next),
            None => return Ok(inserted),
        }
    }
}
