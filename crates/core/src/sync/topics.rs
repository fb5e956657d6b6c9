//! The topic walks of one circle: new content from the top down to what is archived
//! ([`new_content`]), older history down to the oldest topic ([`backfill`]), and the refreshes
//! that keep counters and answers of archived topics current.
//!
//! The cursor ([`SyncCursor`]) describes one contiguous archived range of the 最新 list,
//! `[backfill_end_time, newest]`, plus at most one unfinished walk from the top (`catch_up`)
//! that has archived `[catch_up.end_time, catch_up.newest]` and still has to reach `newest`.
//! Every page is committed together with the cursor that describes the archive *after* it, so a
//! kill between any two statements leaves a cursor that is true; the next run resumes at it and
//! the inclusive `end_time` brings the boundary millisecond again, which the idempotent upsert
//! absorbs.

use zsxq::client::TopicScope;
use zsxq::{GroupId, Timestamp, Topic};

use super::circle::{ALL, Ctx, Progress, Tally, fetch};
use super::error::Stop;
use super::{Phase, SyncEvent};
use crate::store::{CatchUp, PageOutcome, SyncCursor, TopicMark};

/// The newest topic of a page by the list's order: time, then id.
fn top_of(topics: &[Topic]) -> Option<TopicMark> {
    topics
        .iter()
        .filter_map(|t| {
            Some(TopicMark {
                create_time: t.create_time?,
                topic_id: t.topic_id,
            })
        })
        .max_by_key(|m| (m.create_time, m.topic_id))
}

fn newer(a: Option<TopicMark>, b: Option<TopicMark>) -> Option<TopicMark> {
    match (a, b) {
        (Some(a), Some(b)) => Some(
            if (b.create_time, b.topic_id) > (a.create_time, a.topic_id) {
                b
            } else {
                a
            },
        ),
        (a, b) => a.or(b),
    }
}

fn tally_page(tally: &mut Tally, outcome: PageOutcome) {
    tally.topics_inserted += u64::from(outcome.inserted);
    tally.topics_updated += u64::from(outcome.updated);
}

async fn load_cursor(ctx: &Ctx, group: GroupId) -> Result<(SyncCursor, bool), Stop> {
    Ok(ctx
        .store
        .sync_state(group, &ALL)
        .await?
        .map(|s| (s.cursor, s.expired))
        .unwrap_or_default())
}

/// New content: finishes an interrupted walk from the top, walks down from the newest topic
/// until it joins what is archived, re-reads a few recent pages (comment counts and likes move
/// there) and the open questions (answers arrive there). The refreshes run when `refresh` is
/// set: in the first round of a run.
pub(super) async fn new_content(ctx: Ctx, group: GroupId, refresh: bool) -> Result<Progress, Stop> {
    ctx.emit(SyncEvent::PhaseStarted {
        group_id: group,
        phase: Phase::New,
    });
    let (mut cursor, was_expired) = load_cursor(&ctx, group).await?;
    let mut tally = Tally::default();
    if let Some(catch_up) = cursor.catch_up {
        let pager = ctx
            .pager(group, TopicScope::All)
            .starting_at(catch_up.end_time);
        walk_down(
            &ctx,
            group,
            &mut cursor,
            pager,
            Some(catch_up.newest),
            false,
            &mut tally,
        )
        .await?;
    }
    let pager = ctx.pager(group, TopicScope::All);
    walk_down(&ctx, group, &mut cursor, pager, None, refresh, &mut tally).await?;
    if was_expired {
        // The topic list answered again: the membership was renewed.
        ctx.store.set_expired(group, &ALL, false).await?;
    }
    if refresh {
        refresh_questions(&ctx, group, &mut tally).await?;
    }
    Ok(Progress { tally, more: false })
}

/// One walk from the top (or from a catch-up checkpoint, whose newest topic is `top`) down to
/// `cursor.newest`, then (with `refresh`) on for the refresh window.
async fn walk_down(
    ctx: &Ctx,
    group: GroupId,
    cursor: &mut SyncCursor,
    mut pager: zsxq::TopicPager,
    mut top: Option<TopicMark>,
    refresh: bool,
    tally: &mut Tally,
) -> Result<(), Stop> {
    let mut walked = 0_u64;
    // A circle never synced has nothing to refresh: its first page starts the archive.
    let first_sync = cursor.newest.is_none();
    loop {
        let Some(page) = fetch!(ctx, group, pager.next_page()) else {
            // The list ended with nothing new: whatever was walked joins the bottom.
            if cursor.newest.is_none() || cursor.catch_up.is_some() {
                cursor.newest = newer(cursor.newest, top);
                cursor.catch_up = None;
                if cursor.newest.is_none() {
                    cursor.exhausted = true;
                }
                ctx.store.set_sync_cursor(group, &ALL, cursor).await?;
            }
            return Ok(());
        };
        let topics = page.data;
        top = newer(top, top_of(&topics));
        walked += topics.len() as u64;
        let joined = match cursor.newest {
            // The first page of a circle never synced: it *is* the archived range.
            None => {
                cursor.backfill_end_time = pager.cursor();
                cursor.exhausted = pager.is_finished();
                true
            }
            Some(mark) => {
                pager.is_finished() || pager.cursor().is_some_and(|end| end <= mark.create_time)
            }
        };
        if joined {
            cursor.newest = newer(cursor.newest, top);
            cursor.catch_up = None;
        } else {
            cursor.catch_up = match (pager.cursor(), top) {
                (Some(end_time), Some(newest)) => Some(CatchUp { end_time, newest }),
                _ => cursor.catch_up,
            };
        }
        let outcome = ctx.store.commit_page(group, &ALL, &topics, cursor).await?;
        tally_page(tally, outcome);
        ctx.emit(SyncEvent::PageCommitted {
            group_id: group,
            phase: Phase::New,
            inserted: outcome.inserted,
            updated: outcome.updated,
            walked,
        });
        if joined && (first_sync || !refresh) {
            return Ok(());
        }
        if joined {
            let known = outcome.unchanged + outcome.updated;
            return refresh_recent(ctx, group, pager, u64::from(known), tally).await;
        }
    }
}

/// Goes on below the join for `refresh_topics` already archived topics, so new comment counts,
/// likes and digests of recent topics reach the archive (and their threads get walked).
async fn refresh_recent(
    ctx: &Ctx,
    group: GroupId,
    mut pager: zsxq::TopicPager,
    mut refreshed: u64,
    tally: &mut Tally,
) -> Result<(), Stop> {
    let wanted = u64::from(ctx.options.refresh_topics);
    while refreshed < wanted && !pager.is_finished() {
        let Some(page) = fetch!(ctx, group, pager.next_page()) else {
            break;
        };
        refreshed += page.data.len() as u64;
        tally_page(tally, ctx.store.upsert_topics(group, &page.data).await?);
    }
    Ok(())
}

/// Walks the 问答 tab down to the oldest open question archived, so answers given since the
/// last run arrive; at most `question_refresh_pages` pages.
async fn refresh_questions(ctx: &Ctx, group: GroupId, tally: &mut Tally) -> Result<(), Stop> {
    let Some(oldest) = ctx.store.oldest_open_question(group).await? else {
        return Ok(());
    };
    let mut pager = ctx.pager(group, TopicScope::Questions);
    let mut pages = 0_u32;
    loop {
        if ctx
            .options
            .question_refresh_pages
            .is_some_and(|max| pages >= max)
        {
            return Ok(());
        }
        let Some(page) = fetch!(ctx, group, pager.next_page()) else {
            return Ok(());
        };
        pages += 1;
        tally_page(tally, ctx.store.upsert_topics(group, &page.data).await?);
        let below: Option<Timestamp> = pager.cursor();
        if pager.is_finished() || below.is_some_and(|end| end < oldest) {
            return Ok(());
        }
    }
}

/// Older history: from `backfill_end_time` down, at most `backfill_pages_per_round` pages.
pub(super) async fn backfill(ctx: Ctx, group: GroupId) -> Result<Progress, Stop> {
    let (mut cursor, _) = load_cursor(&ctx, group).await?;
    let mut tally = Tally::default();
    if cursor.exhausted {
        return Ok(Progress { tally, more: false });
    }
    let Some(end) = cursor.backfill_end_time else {
        // Nothing walked yet (the new-content phase failed before its first page).
        return Ok(Progress { tally, more: false });
    };
    ctx.emit(SyncEvent::PhaseStarted {
        group_id: group,
        phase: Phase::Backfill,
    });
    let mut pager = ctx.pager(group, TopicScope::All).starting_at(end);
    let (mut pages, mut walked) = (0_u32, 0_u64);
    loop {
        if ctx
            .options
            .backfill_pages_per_round
            .is_some_and(|max| pages >= max)
        {
            return Ok(Progress { tally, more: true });
        }
        let Some(page) = fetch!(ctx, group, pager.next_page()) else {
            cursor.exhausted = true;
            ctx.store.set_sync_cursor(group, &ALL, &cursor).await?;
            return Ok(Progress { tally, more: false });
        };
        pages += 1;
        walked += page.data.len() as u64;
        if let Some(end) = pager.cursor() {
            cursor.backfill_end_time = Some(end);
        }
        cursor.exhausted = pager.is_finished();
        let outcome = ctx
            .store
            .commit_page(group, &ALL, &page.data, &cursor)
            .await?;
        tally_page(&mut tally, outcome);
        ctx.emit(SyncEvent::PageCommitted {
            group_id: group,
            phase: Phase::Backfill,
            inserted: outcome.inserted,
            updated: outcome.updated,
            walked,
        });
        if cursor.exhausted {
            return Ok(Progress { tally, more: false });
        }
    }
}
