//! Simulated activity: other members post topics, comment and answer questions (including the
//! signed-in user's own), and now and then edit or delete a recent topic while owners toggle
//! digests and pins ([`crate::history`]), either on a timer (`--activity-per-min`) or on demand through
//! [`crate::SimHandle::advance`]. New talks are noise as often as the dataset's
//! ([`crate::noise`]: check-ins, thanks, link-only posts, a member's near-duplicate of a talk
//! they posted within the day); comments and digests go to real topics only. Event `n` is
//! drawn from (seed, n) and the current state, so the same history of writes and events gives
//! the same world.

use std::sync::Arc;
use std::time::Duration;

use crate::content;
use crate::dataset::corpus::{COMMENTS, REPLIES};
use crate::dataset::new_topic_meta;
use crate::history;
use crate::noise;
use crate::rng::{Rng, tag};
use crate::server::Shared;
use crate::world::{Kind, SELF_USER, TopicRef, World, comment_id, flag};
use crate::writes;

/// How far back activity looks for topics to comment on or questions to answer; bounded so
/// that events stay cheap in a circle of millions.
const RECENT: usize = 5_000;

/// Applies one activity event.
pub(crate) fn apply(world: &mut World, now_ms: i64) {
    let event = world.activity_events;
    world.activity_events += 1;
    if world.circles.is_empty() {
        return;
    }
    let mut rng = Rng::keyed(&[world.seed, tag::ACTIVITY, event]);
    let circle = rng.below(world.circles.len() as u64) as usize;
    let roll = rng.below(100);
    // Drawn from a stream of its own, so that adding these kept every earlier history.
    let mut later = Rng::keyed(&[world.seed, tag::ACTIVITY, event, AFTER_THE_FACT]);
    after_the_fact(world, circle, &mut later, now_ms);
    if roll >= 75 && answer_one(world, &mut rng, now_ms) {
        return;
    }
    if roll >= 40 && comment_one(world, circle, &mut rng, now_ms) {
        return;
    }
    new_topic(world, circle, &mut rng, now_ms);
}

/// Keys the stream of [`after_the_fact`].
const AFTER_THE_FACT: u64 = 1;
/// Edits, deletions and toggles reach only this many of a circle's newest topics: members
/// edit and delete what they just posted, and a client re-reading its recent window can see
/// every one of them.
const RECENTLY_POSTED: usize = 20;

/// Besides the event: now and then an author edits or deletes a recent topic, or the owner
/// toggles a digest or a pin (invented rates; the service publishes none).
fn after_the_fact(world: &mut World, circle: usize, rng: &mut Rng, now_ms: i64) {
    let roll = rng.below(100);
    let Some(len) = world.circles.get(circle).map(|c| c.topics.len()) else {
        return;
    };
    if len == 0 || roll >= 12 {
        return;
    }
    let at = TopicRef {
        circle: circle as u16,
        ordinal: (len - 1 - rng.below(len.min(RECENTLY_POSTED) as u64) as usize) as u32,
    };
    let Some(meta) = world.meta(at).copied() else {
        return;
    };
    match roll {
        0..6 => {
            history::edit(world, at, now_ms);
        }
        // Only talks nobody answered yet: deleting a discussed topic is rare on the service.
        6..8 if meta.kind == Kind::Talk && content::comments(world, at).is_empty() => {
            history::delete(world, at);
        }
        // Owners mark real posts, never noise.
        8..11 if noise::of(at, &meta).is_none() => {
            history::toggle_digest(world, at);
        }
        11 => {
            history::toggle_sticky(world, at);
        }
        _ => {}
    }
}

fn new_topic(world: &mut World, circle: usize, rng: &mut Rng, now_ms: i64) {
    let time = now_ms.max(world.latest_ms(circle) + 1);
    let mut meta = new_topic_meta(world, circle, rng, time, false, None, false);
    // Fresh topics have no answer, comments, likes or editorial flags yet.
    meta.flags &= !(flag::ANSWERED | flag::SILENCED | flag::DIGESTED | flag::STICKY);
    meta.derived_comments = 0;
    meta.likes = 0;
    // Activity is everyone else: the signed-in user only posts through the API.
    if meta.author == SELF_USER {
        let Some(c) = world.circles.get(circle) else {
            return;
        };
        let others: Vec<u32> = c
            .members
            .iter()
            .copied()
            .filter(|&m| m != SELF_USER)
            .collect();
        if others.is_empty() {
            return;
        }
        meta.author = *rng.pick(&others);
        if meta.kind == Kind::Task {
            meta.kind = Kind::Talk;
        }
    }
    world.push_topic(circle, meta);
}

fn comment_one(world: &mut World, circle: usize, rng: &mut Rng, now_ms: i64) -> bool {
    let Some(c) = world.circles.get(circle) else {
        return false;
    };
    let len = c.topics.len();
    if len == 0 {
        return false;
    }
    let others: Vec<u32> = c
        .members
        .iter()
        .copied()
        .filter(|&m| m != SELF_USER)
        .collect();
    if others.is_empty() {
        return false;
    }
    let author = *rng.pick(&others);
    let drawn = len - 1 - rng.below(len.min(50) as u64) as usize;
    // Nobody answers noise: the comment goes to the nearest real topic before it instead (a
    // walk, not a draw, so the stream stays as it was).
    let Some(ordinal) = (0..=drawn).rev().take(50).find(|&o| {
        let at = TopicRef {
            circle: circle as u16,
            ordinal: o as u32,
        };
        noise::of(at, &c.topics[o]).is_none()
    }) else {
        return false;
    };
    let at = TopicRef {
        circle: circle as u16,
        ordinal: ordinal as u32,
    };
    if c.topics[ordinal].has(flag::DELETED) {
        return false;
    }
    let tops: Vec<u16> = content::comments(world, at)
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| c.index)
        .collect();
    let reply_to = (!tops.is_empty() && rng.percent(30)).then(|| comment_id(at, *rng.pick(&tops)));
    let text = if reply_to.is_some() {
        rng.pick(REPLIES)
    } else {
        rng.pick(COMMENTS)
    };
    writes::post_comment(world, at, author, (*text).to_owned(), reply_to, now_ms).is_ok()
}

/// Answers an open question, preferring one the signed-in user asked; never one addressed to
/// the signed-in user, which only they can answer.
fn answer_one(world: &mut World, rng: &mut Rng, now_ms: i64) -> bool {
    let mut mine = Vec::new();
    let mut others = Vec::new();
    for (index, circle) in world.circles.iter().enumerate() {
        if circle.owner == SELF_USER {
            continue;
        }
        let start = circle.topics.len().saturating_sub(RECENT);
        for (ordinal, meta) in circle.topics.iter().enumerate().skip(start) {
            if meta.kind == Kind::Question
                && !meta.has(flag::ANSWERED | flag::DELETED)
                && crate::world::questionee(circle, meta) != SELF_USER
            {
                let at = TopicRef {
                    circle: index as u16,
                    ordinal: ordinal as u32,
                };
                if meta.author == SELF_USER {
                    mine.push(at);
                } else {
                    others.push(at);
                }
            }
        }
    }
    let candidates = if mine.is_empty() { others } else { mine };
    if candidates.is_empty() {
        return false;
    }
    let at = *rng.pick(&candidates);
    let Some((owner, meta)) = world.circles.get(usize::from(at.circle)).and_then(|c| {
        let meta = *c.topics.get(at.ordinal as usize)?;
        Some((crate::world::questionee(c, &meta), meta))
    }) else {
        return false;
    };
    let text = content::derive(world, at, &meta).answer.to_owned();
    writes::post_answer(world, at, owner, text, false, now_ms).is_ok()
}

/// Runs one event every `60 / per_min` seconds until aborted; `None` when activity is off.
pub(crate) fn spawn_ticker(
    shared: Arc<Shared>,
    per_min: f64,
) -> Option<tokio::task::JoinHandle<()>> {
    if !(per_min.is_finite() && per_min > 0.0) {
        return None;
    }
    let period = Duration::from_secs_f64(60.0 / per_min).max(Duration::from_millis(1));
    Some(tokio::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.tick().await;
        loop {
            interval.tick().await;
            shared.advance(1);
        }
    }))
}
