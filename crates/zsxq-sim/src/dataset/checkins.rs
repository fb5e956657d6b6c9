//! Check-ins (打卡): one running check-in project per circle, and the talks filed under it.
//!
//! Invented: which talks count as check-ins, the project's id, title and minimum length. The
//! captured shape is only the `checkin{checkin_id,title,min_words_count}` a topic carries and
//! the list `GET /v2/groups/{gid}/checkins/{cid}/topics` (a topic list). Nothing is stored: a
//! talk is a check-in when a hash of its position says so (or its record says it was made one,
//! [`crate::noise`]), which keeps a million-topic circle as small as before. An ordinary
//! member's check-in reads like one ("打卡 Day 37：…"); the owner's and guests' keep a real
//! talk's text.

use serde_json::{Value, json};

use crate::noise;
use crate::rng::hash;
use crate::world::{Kind, TopicMeta, TopicRef, World, flag};

/// A circle's check-in project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checkin {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) min_words_count: u32,
}

impl Checkin {
    pub(crate) fn json(&self) -> Value {
        json!({
            "checkin_id": self.id,
            "title": self.title,
            "min_words_count": self.min_words_count,
        })
    }
}

/// The check-in project of circle `c`: ten digits like the captured `2424141521`.
pub(crate) fn project(world: &World, c: usize) -> Option<Checkin> {
    let circle = world.circles.get(c)?;
    Some(Checkin {
        id: 1_000_000_000
            + (hash(&[world.seed, 0xC4EC, circle.group_id as u64]) % 8_000_000_000) as i64,
        title: format!("{} · 每日打卡", circle.name),
        min_words_count: 20,
    })
}

/// Whether the topic at `at` is a check-in: one generated talk in eight (by a hash of its
/// position, [`filed_by_hash`]), and every talk made a check-in on purpose (the busy day's,
/// [`crate::noise`]); never a talk made other noise, or a real talk marked never to be one.
pub(crate) fn is_checkin(world: &World, at: TopicRef, meta: &TopicMeta) -> bool {
    if meta.kind != Kind::Talk || meta.has(flag::STORED) {
        return false;
    }
    match meta.aux {
        noise::REAL => filed_by_hash(world, at),
        noise::CHECK_IN => true,
        _ => false,
    }
}

/// Whether the hash of a position files the talk there under the check-in project.
pub(crate) fn filed_by_hash(world: &World, at: TopicRef) -> bool {
    hash(&[
        world.seed,
        0xC4EC,
        u64::from(at.circle),
        u64::from(at.ordinal),
    ])
    .is_multiple_of(8)
}

/// The check-in a topic was filed under, if any.
pub(crate) fn of(world: &World, at: TopicRef, meta: &TopicMeta) -> Option<Checkin> {
    if is_checkin(world, at, meta) {
        project(world, usize::from(at.circle))
    } else {
        None
    }
}
