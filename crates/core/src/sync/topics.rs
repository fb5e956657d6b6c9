//! The topic walks of one circle: new content from the top down to what is archived
//! ([`new_content`]), older history down to the oldest topic ([`backfill`]), and the refreshes
//! that keep counters, answers and texts of archived topics current.
//!
//! The refresh window is the newest `refresh_topics` archived topics of each circle (60 by
//! default), re-read at the start of every run: edits of those topics are archived with the
//! earlier text kept as a revision, and an archived topic the walk from the top should have
//! met but did not is asked for by id; if the service says it no longer exists, the archive
//! keeps it and marks it deleted (docs/sync.md). Edits and deletions of older topics are not
//! seen until something else re-reads them.
//!
//! A circle the member mirrors only recent months of has a horizon ([`within`]): nothing
//! created before it is archived from the lists, and the backfill ends there.
//!
//! The cursor ([`SyncCursor`]) describes one contiguous archived range of the 最新 list,
//! `[backfill_end_time, newest]`, plus at most one unfinished walk from the top (`catch_up`)
//! that has archived `[catch_up.end_time, catch_up.newest]` and still has to reach `newest`.
//! Every page is committed together with the cursor that describes the archive *after* it, so a
//! kill between any two statements leaves a cursor that is true; the next run resumes at it and
//! the inclusive `end_time` brings the boundary millisecond again, which the idempotent upsert
//! absorbs.

use std::collections::HashSet;

use zsxq::client::{TopicBatch, TopicScope};
use zsxq::{ApiError, GroupId, Timestamp, Topic, TopicId};

use super::circle::{ALL, Ctx, Progress, Tally, fetch, over_budget};
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

/// Adds a committed page to the tally, and reports the items of it that did not decode the
/// first time they are kept.
fn tally_page(
    ctx: &Ctx,
    group: GroupId,
    tally: &mut Tally,
    batch: &TopicBatch,
    outcome: PageOutcome,
) {
    tally.topics_inserted += u64::from(outcome.inserted);
    tally.topics_updated += u64::from(outcome.updated);
    tally.comments_inserted += u64::from(outcome.comments_inserted);
    if outcome.undecoded > 0 {
        tally.topics_unreadable += u64::from(outcome.undecoded);
        for item in &batch.undecoded {
            tracing::warn!(%group, topic = ?item.topic_id, error = %item.error, "a topic this version cannot read was kept as served");
        }
        ctx.emit(SyncEvent::TopicsUnreadable {
            group_id: group,
            count: outcome.undecoded,
            error: batch
                .undecoded
                .first()
                .map(|u| u.error.clone())
                .unwrap_or_default(),
        });
    }
}

/// What a walk from the top of the 最新 list met: every archived topic newer than `bottom` that
/// is not among `ids` has disappeared from the list.
#[derive(Debug, Default)]
struct Seen {
    /// Stop after the first page when it changed nothing ([`Refresh::IfChanged`]).
    light: bool,
    /// Set when a light walk stopped early: the circle is idle.
    quiet: bool,
    ids: HashSet<TopicId>,
    /// The list's cursor after the last page: topics at that millisecond may continue on a
    /// page not fetched. `None` with `to_the_end` when the whole list was walked.
    bottom: Option<Timestamp>,
    to_the_end: bool,
}

impl Seen {
    fn page(&mut self, batch: &TopicBatch, pager: &zsxq::TopicPager) {
        self.ids.extend(batch.topics.iter().map(|t| t.topic_id));
        self.ids
            .extend(batch.undecoded.iter().filter_map(|u| u.topic_id));
        self.bottom = pager.cursor();
        self.to_the_end = pager.is_finished();
    }
}

/// Which refreshes of archived topics a walk does (the first round of a run does them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refresh {
    /// The recent topics, the open questions and the deletion checks.
    Full,
    /// Only when the newest page changed something: an idle circle costs one request.
    IfChanged,
    /// None (later rounds).
    Off,
}

/// At most this many missing topics are asked for by id in one run: more than that missing
/// at once is not a wave of deletions but a list that hides something, and asking for each
/// would be unkind to the service.
const MAX_DELETION_CHECKS: usize = 20;

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
pub(super) async fn new_content(
    ctx: Ctx,
    group: GroupId,
    depth: Refresh,
) -> Result<Progress, Stop> {
    let refresh = depth != Refresh::Off;
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
            None,
            &mut tally,
        )
        .await?;
    }
    let pager = ctx.pager(group, TopicScope::All);
    let first_sync = cursor.newest.is_none();
    let mut seen = Seen {
        light: depth == Refresh::IfChanged,
        ..Seen::default()
    };
    walk_down(
        &ctx,
        group,
        &mut cursor,
        pager,
        None,
        refresh.then_some(&mut seen),
        &mut tally,
    )
    .await?;
    let refresh = refresh && !seen.quiet;
    if refresh && !first_sync {
        notice_deletions(&ctx, group, &seen, &mut tally).await?;
    }
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
/// `cursor.newest`, then (when `refresh` collects what it sees) on for the refresh window.
async fn walk_down(
    ctx: &Ctx,
    group: GroupId,
    cursor: &mut SyncCursor,
    mut pager: zsxq::TopicPager,
    mut top: Option<TopicMark>,
    mut refresh: Option<&mut Seen>,
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
        let mut batch = page.data;
        if let Some(seen) = refresh.as_deref_mut() {
            seen.page(&batch, &pager);
        }
        top = newer(top, top_of(&batch.topics));
        walked += batch.topics.len() as u64;
        // Only a circle's first page can reach below the member's horizon here: later walks
        // from the top end at what is archived, and what they bring is kept whole.
        let crossed = if first_sync {
            within(ctx, group, &mut batch, &pager)
        } else {
            None
        };
        let joined = match cursor.newest {
            // The first page of a circle never synced: it *is* the archived range.
            None => {
                cursor.backfill_end_time = crossed.or(pager.cursor());
                cursor.exhausted = pager.is_finished() && crossed.is_none();
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
        let outcome = ctx.store.commit_page(group, &ALL, &batch, cursor).await?;
        tally_page(ctx, group, tally, &batch, outcome);
        ctx.emit(SyncEvent::PageCommitted {
            group_id: group,
            phase: Phase::New,
            inserted: outcome.inserted,
            updated: outcome.updated,
            walked,
        });
        match refresh.as_deref_mut() {
            Some(seen)
                if joined
                    && !first_sync
                    && seen.light
                    && walked == batch.topics.len() as u64
                    && outcome.inserted == 0
                    && outcome.updated == 0 =>
            {
                seen.quiet = true;
                return Ok(());
            }
            Some(seen) if joined && !first_sync => {
                let known = outcome.unchanged + outcome.updated;
                return refresh_recent(ctx, group, pager, u64::from(known), seen, tally).await;
            }
            _ if joined => return Ok(()),
            _ => {}
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
    seen: &mut Seen,
    tally: &mut Tally,
) -> Result<(), Stop> {
    let wanted = u64::from(ctx.options.refresh_topics);
    while refreshed < wanted && !pager.is_finished() {
        let Some(page) = fetch!(ctx, group, pager.next_page()) else {
            break;
        };
        seen.page(&page.data, &pager);
        refreshed += page.data.topics.len() as u64;
        let mut batch = page.data;
        within(ctx, group, &mut batch, &pager);
        let outcome = ctx.store.upsert_page(group, &batch).await?;
        tally_page(ctx, group, tally, &batch, outcome);
    }
    Ok(())
}

/// Archived topics the walk from the top should have met and did not are asked for by id;
/// those the service no longer has are marked deleted (and kept).
async fn notice_deletions(
    ctx: &Ctx,
    group: GroupId,
    seen: &Seen,
    tally: &mut Tally,
) -> Result<(), Stop> {
    let after = if seen.to_the_end {
        None
    } else {
        // Nothing below the walk can be judged; `None` here means nothing was walked.
        let Some(bottom) = seen.bottom else {
            return Ok(());
        };
        Some(bottom.to_unix_millis())
    };
    let missing: Vec<TopicId> = ctx
        .store
        .live_topics_after(group, after)
        .await?
        .into_iter()
        .filter(|id| !seen.ids.contains(id))
        .collect();
    if missing.len() > MAX_DELETION_CHECKS {
        tracing::warn!(%group, missing = missing.len(), "many archived topics are missing from the list; checking only the newest few");
    }
    for topic in missing.into_iter().take(MAX_DELETION_CHECKS) {
        let mut attempt = 0_u32;
        loop {
            match ctx.guard(ctx.client.topic(topic)).await? {
                // Still there, only not listed (hidden from the list, say): nothing to mark.
                Ok(_) => break,
                Err(ApiError::NotFound) => {
                    if ctx.store.mark_deleted(topic, crate::now_ms()).await? {
                        tally.topics_deleted += 1;
                        ctx.emit(SyncEvent::TopicDeleted {
                            group_id: group,
                            topic_id: topic,
                        });
                    }
                    break;
                }
                Err(err) => ctx.recover(Some(group), err, &mut attempt).await?,
            }
        }
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
        let mut batch = page.data;
        within(ctx, group, &mut batch, &pager);
        let outcome = ctx.store.upsert_page(group, &batch).await?;
        tally_page(ctx, group, tally, &batch, outcome);
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
    if ctx.horizon(group).is_some_and(|horizon| end <= horizon) {
        // Everything the member chose to mirror is archived.
        return Ok(Progress { tally, more: false });
    }
    ctx.emit(SyncEvent::PhaseStarted {
        group_id: group,
        phase: Phase::Backfill,
    });
    let mut pager = ctx.pager(group, TopicScope::All).starting_at(end);
    let (mut pages, mut walked) = (0_u32, 0_u64);
    loop {
        if over_budget(ctx.options.backfill_pages_per_round, pages as usize) {
            return Ok(Progress { tally, more: true });
        }
        let Some(page) = fetch!(ctx, group, pager.next_page()) else {
            cursor.exhausted = true;
            ctx.store.set_sync_cursor(group, &ALL, &cursor).await?;
            return Ok(Progress { tally, more: false });
        };
        pages += 1;
        walked += page.data.topics.len() as u64;
        let mut batch = page.data;
        let crossed = within(&ctx, group, &mut batch, &pager);
        if let Some(end) = crossed.or(pager.cursor()) {
            cursor.backfill_end_time = Some(end);
        }
        cursor.exhausted = pager.is_finished() && crossed.is_none();
        let outcome = ctx.store.commit_page(group, &ALL, &batch, &cursor).await?;
        tally_page(&ctx, group, &mut tally, &batch, outcome);
        ctx.emit(SyncEvent::PageCommitted {
            group_id: group,
            phase: Phase::Backfill,
            inserted: outcome.inserted,
            updated: outcome.updated,
            walked,
        });
        if cursor.exhausted || crossed.is_some() {
            return Ok(Progress { tally, more: false });
        }
    }
}

/// Leaves out of `batch` the topics created before the member's horizon for `group` (the
/// mirror choice "the last N months", [`crate::store::Mirror`]). Returns the horizon when this
/// page reached it: the archive then holds everything from the horizon up, and the backfill
/// stops there, to go on from it if the choice is widened later.
fn within(
    ctx: &Ctx,
    group: GroupId,
    batch: &mut TopicBatch,
    pager: &zsxq::TopicPager,
) -> Option<Timestamp> {
    let horizon = ctx.horizon(group)?;
    let before = batch.topics.len();
    batch
        .topics
        .retain(|t| t.create_time.is_none_or(|time| time >= horizon));
    let reached = batch.topics.len() < before || pager.cursor().is_some_and(|end| end < horizon);
    reached.then_some(horizon)
}
