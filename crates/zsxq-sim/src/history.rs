//! What happens to topics after they are posted: their authors edit them (a note appended,
//! `modify_time` moved), delete them (gone from every list and from `/v2/topics/{id}`, which
//! answers 100002 like the service), and owners toggle digests (精华) and stickies after the
//! fact. Driven by activity ([`crate::activity`]), by `/__sim/act` and by
//! [`crate::SimHandle::edit_topic`] / [`crate::SimHandle::delete_topic`].
//!
//! Topic content is derived from the seed, so an edit is recorded as its time only and the
//! note it appended is derived again from (topic, edit number) when the topic is rendered.
//! A talk's derived text depends on whether the dataset pinned it (the welcome post), so a
//! sticky toggled later is remembered apart from the flag and does not rewrite the text.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::content;
use crate::rng::hash;
use crate::world::{Kind, TopicRef, World, flag};

/// Invented: what an edit appends; the service shows the edited text whole, with no marker.
const EDIT_NOTES: &[&str] = &[
    "补充一点：上面说的方法，前提是先把基础打牢。",
    "更新：评论区有朋友指出一处笔误，已改正。",
    "再补充：相关资料我放在星球文件里了，可以自取。",
    "修改：把第二段的结论说得更准确了一些。",
    "附注：这个观点我后来又想了想，仍然成立，但要看具体场景。",
];

/// The state of topics that changed after they were posted.
#[derive(Debug, Default)]
pub(crate) struct History {
    /// Edit times per edited topic, oldest first.
    edits: HashMap<TopicRef, Vec<i64>>,
    /// Topics whose sticky flag was toggled after the dataset set it.
    sticky_toggled: HashSet<TopicRef>,
    /// Deleted topics per circle index.
    deleted: HashMap<u16, u64>,
}

impl History {
    /// When the topic was last edited.
    pub(crate) fn last_edit_ms(&self, at: TopicRef) -> Option<i64> {
        self.edits.get(&at)?.last().copied()
    }

    /// Topics deleted in circle `circle`.
    pub(crate) fn deleted_in(&self, circle: usize) -> u64 {
        u16::try_from(circle)
            .ok()
            .and_then(|c| self.deleted.get(&c))
            .copied()
            .unwrap_or(0)
    }

    /// Whether the dataset pinned the topic (whatever it is now).
    pub(crate) fn originally_sticky(&self, at: TopicRef, sticky_now: bool) -> bool {
        sticky_now != self.sticky_toggled.contains(&at)
    }

    /// Appends the notes of the topic's edits to its text.
    pub(crate) fn apply_edits(&self, world_seed: u64, at: TopicRef, text: &mut String) {
        let Some(edits) = self.edits.get(&at) else {
            return;
        };
        for n in 0..edits.len() {
            let pick = hash(&[
                world_seed,
                u64::from(at.circle),
                u64::from(at.ordinal),
                n as u64,
            ]) as usize;
            text.push_str("\n\n");
            text.push_str(EDIT_NOTES[pick % EDIT_NOTES.len()]);
        }
    }
}

/// One change made on purpose, through [`crate::SimHandle::act`] or `POST /__sim/act` (a JSON
/// body such as `{"edit": 45000000000000123}` or `{"events": 10}`). The endpoint's other body,
/// `{"kind": …}`, is a [`crate::Happening`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Act {
    /// The author edits the topic with this id.
    Edit(i64),
    /// The author deletes it.
    Delete(i64),
    /// The owner marks it a digest (精华), or takes the mark away.
    ToggleDigest(i64),
    /// The owner pins it, or unpins it.
    ToggleSticky(i64),
    /// This many activity events, as the timer would apply them.
    Events(u32),
}

/// Carries out `act` at `now_ms`; `false` if its topic is unknown or already deleted.
pub(crate) fn perform(world: &mut World, act: Act, now_ms: i64) -> bool {
    let topic = |world: &World, id: i64| world.find_topic(id);
    match act {
        Act::Edit(id) => topic(world, id).is_some_and(|at| edit(world, at, now_ms)),
        Act::Delete(id) => topic(world, id).is_some_and(|at| delete(world, at)),
        Act::ToggleDigest(id) => topic(world, id).is_some_and(|at| toggle_digest(world, at)),
        Act::ToggleSticky(id) => topic(world, id).is_some_and(|at| toggle_sticky(world, at)),
        Act::Events(n) => {
            for _ in 0..n {
                crate::activity::apply(world, now_ms);
            }
            true
        }
    }
}

/// Edits a live topic at `now_ms` (never before it was posted or last edited); `false` for a
/// deleted or unknown topic.
pub(crate) fn edit(world: &mut World, at: TopicRef, now_ms: i64) -> bool {
    let Some(meta) = world.meta(at).copied() else {
        return false;
    };
    if meta.has(flag::DELETED) {
        return false;
    }
    let edits = world.history.edits.entry(at).or_default();
    let floor = edits.last().copied().unwrap_or(meta.time_ms) + 1;
    edits.push(now_ms.max(floor));
    true
}

/// Deletes a live topic: it leaves every list and count; `false` if it was already gone.
pub(crate) fn delete(world: &mut World, at: TopicRef) -> bool {
    let Some(meta) = world.meta(at).copied() else {
        return false;
    };
    if meta.has(flag::DELETED) {
        return false;
    }
    let comments = content::comments(world, at).len() as u64;
    let has_file = content::traits(world, at, &meta).file;
    let Some(circle) = world.circles.get_mut(usize::from(at.circle)) else {
        return false;
    };
    if let Some(m) = circle.topics.get_mut(at.ordinal as usize) {
        m.flags |= flag::DELETED;
    }
    let totals = &mut circle.totals;
    totals.comments = totals.comments.saturating_sub(comments);
    totals.answered = totals.answered.saturating_sub(u64::from(
        meta.kind == Kind::Question && meta.has(flag::ANSWERED),
    ));
    totals.digests = totals
        .digests
        .saturating_sub(u64::from(meta.has(flag::DIGESTED)));
    totals.files = totals.files.saturating_sub(u64::from(has_file));
    *world.history.deleted.entry(at.circle).or_default() += 1;
    true
}

/// Marks a live topic as a digest or takes the mark away.
pub(crate) fn toggle_digest(world: &mut World, at: TopicRef) -> bool {
    let Some(circle) = world.circles.get_mut(usize::from(at.circle)) else {
        return false;
    };
    let Some(meta) = circle.topics.get_mut(at.ordinal as usize) else {
        return false;
    };
    if meta.has(flag::DELETED) {
        return false;
    }
    meta.flags ^= flag::DIGESTED;
    if meta.has(flag::DIGESTED) {
        circle.totals.digests += 1;
    } else {
        circle.totals.digests = circle.totals.digests.saturating_sub(1);
    }
    true
}

/// Pins a live topic or unpins it.
pub(crate) fn toggle_sticky(world: &mut World, at: TopicRef) -> bool {
    let Some(meta) = world
        .circles
        .get_mut(usize::from(at.circle))
        .and_then(|c| c.topics.get_mut(at.ordinal as usize))
    else {
        return false;
    };
    if meta.has(flag::DELETED) {
        return false;
    }
    meta.flags ^= flag::STICKY;
    if !world.history.sticky_toggled.remove(&at) {
        world.history.sticky_toggled.insert(at);
    }
    true
}
