//! The ground truth a sync should arrive at: [`Truth`], per circle.

use serde::{Deserialize, Serialize};

use crate::world::World;

/// What each circle holds right now. At time zero it is a pure function of the dataset and
/// seed; writes and activity move it on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    /// One entry per circle, in the order `/v2/groups` lists them.
    pub circles: Vec<CircleTruth>,
}

/// The counts of one circle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircleTruth {
    /// The group id as a decimal string (ids are 64-bit; JSON consumers may use floats).
    pub group_id: String,
    /// Topics of every type.
    pub topics: u64,
    /// Comments and replies, all topics together.
    pub comments: u64,
    /// Answered `q&a` topics.
    pub answered: u64,
    /// Topics deleted since they were posted (not counted in `topics`). Not serialized: the
    /// truth's JSON is what an archive's counts must equal, and an archive cannot know of a
    /// topic posted and deleted between two syncs.
    #[serde(skip)]
    pub deleted: u64,
}

impl Truth {
    /// The entry of one group.
    pub fn circle(&self, group_id: i64) -> Option<&CircleTruth> {
        let id = group_id.to_string();
        self.circles.iter().find(|c| c.group_id == id)
    }

    /// Topics in all circles.
    pub fn topics(&self) -> u64 {
        self.circles.iter().map(|c| c.topics).sum()
    }

    /// Comments and replies in all circles.
    pub fn comments(&self) -> u64 {
        self.circles.iter().map(|c| c.comments).sum()
    }

    /// Answered questions in all circles.
    pub fn answered(&self) -> u64 {
        self.circles.iter().map(|c| c.answered).sum()
    }

    /// Topics deleted in all circles.
    pub fn deleted(&self) -> u64 {
        self.circles.iter().map(|c| c.deleted).sum()
    }
}

pub(crate) fn of(world: &World) -> Truth {
    Truth {
        circles: world
            .circles
            .iter()
            .enumerate()
            .map(|(index, c)| CircleTruth {
                group_id: c.group_id.to_string(),
                topics: c.topics.len() as u64 - world.history.deleted_in(index),
                comments: c.totals.comments,
                answered: c.totals.answered,
                deleted: world.history.deleted_in(index),
            })
            .collect(),
    }
}

/// How much memory the dataset's structures take, to check that large datasets stay compact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footprint {
    /// Topics in all circles.
    pub topics: u64,
    /// Bytes of per-topic metadata (the only per-topic structure for generated datasets).
    pub topic_meta_bytes: u64,
    /// Topics whose text is held verbatim (`jsonl:` lines, `hostile` topics and client posts).
    pub stored_texts: u64,
    /// Comments held verbatim (client posts, activity and the `hostile` dataset's).
    pub posted_comments: u64,
}

pub(crate) fn footprint(world: &World) -> Footprint {
    let topics: u64 = world.circles.iter().map(|c| c.topics.len() as u64).sum();
    let capacity: u64 = world
        .circles
        .iter()
        .map(|c| c.topics.capacity() as u64)
        .sum();
    Footprint {
        topics,
        topic_meta_bytes: capacity * size_of::<crate::world::TopicMeta>() as u64,
        stored_texts: world.stored.len() as u64,
        posted_comments: world.posted.values().map(|p| p.len() as u64).sum(),
    }
}
