//! What a sync tells its watchers while it runs ([`SyncEvent`]) and what it hands back when it
//! stops ([`SyncReport`]).
//!
//! Events are serde-serializable with a `kind` tag so the desktop shell can forward them over a
//! Tauri channel unchanged; the IPC crate maps them to its own DTOs at the boundary.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use zsxq::{GroupId, ImageId, TopicId};

/// The kinds of work, in the order a round gives them the pacing budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Newest pages down to the first known topic, then a short refresh of recent topics and
    /// of open questions.
    New,
    /// Older history, page by page, until the oldest topic.
    Backfill,
    /// Comment threads whose count moved.
    Threads,
    /// Long-form article bodies.
    Articles,
    /// Images into the media cache, while it is below its cap.
    Images,
}

/// A progress event. Sent on a broadcast channel: a watcher that falls behind skips events,
/// which is harmless because every event also describes a state the archive already holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyncEvent {
    /// A round began over `circles` circles.
    Started {
        /// Circles that will be synced.
        circles: usize,
    },
    /// A circle's work in a phase began.
    PhaseStarted {
        /// The circle.
        group_id: GroupId,
        /// The phase.
        phase: Phase,
    },
    /// A page of topics and its cursor were committed.
    PageCommitted {
        /// The circle.
        group_id: GroupId,
        /// The phase the page belongs to.
        phase: Phase,
        /// Topics archived for the first time.
        inserted: u32,
        /// Topics that changed.
        updated: u32,
        /// Topics walked by this phase of this circle so far.
        walked: u64,
    },
    /// A comment thread was walked to its end.
    ThreadFetched {
        /// The circle.
        group_id: GroupId,
        /// The topic.
        topic_id: TopicId,
        /// Comments and replies archived for the first time.
        inserted: u32,
    },
    /// An article body was stored.
    ArticleFetched {
        /// The circle.
        group_id: GroupId,
        /// The topic announcing it.
        topic_id: TopicId,
    },
    /// An image was stored in the media cache.
    ImageCached {
        /// The circle.
        group_id: GroupId,
        /// The image.
        image_id: ImageId,
    },
    /// Items of a topic list did not decode: they are kept as served, for a later version to
    /// read, and reported this once.
    TopicsUnreadable {
        /// The circle.
        group_id: GroupId,
        /// Items kept for the first time.
        count: u32,
        /// Why the first of them did not decode.
        error: String,
    },
    /// The service no longer has an archived topic: the archive keeps it, marked deleted.
    TopicDeleted {
        /// The circle.
        group_id: GroupId,
        /// The topic.
        topic_id: TopicId,
    },
    /// Everything of the circle is archived, as far as this round could tell.
    CircleCaughtUp {
        /// The circle.
        group_id: GroupId,
    },
    /// The membership lapsed (code 14210): the circle stays readable, syncing it stopped.
    CircleExpired {
        /// The circle.
        group_id: GroupId,
    },
    /// A request failed even after the client's own retries; the engine tries again later.
    Retrying {
        /// The circle, if the failure was about one.
        group_id: Option<GroupId>,
        /// What failed, in words.
        error: String,
        /// Engine-level attempt number (1 for the first retry).
        attempt: u32,
        /// How long the engine waits first.
        #[serde(with = "millis")]
        retry_in: Duration,
    },
    /// The circle could not be synced this round; the others go on.
    CircleFailed {
        /// The circle.
        group_id: GroupId,
        /// Why, in words.
        error: String,
    },
    /// Another run holds this archive (the app beside the CLI, or two CLIs): this one starts
    /// when it ends, so the account never syncs twice at once.
    Waiting,
    /// The service refused the token (HTTP 401): the sync stopped; sign in again to resume.
    NeedsLogin,
    /// The round (or the whole run) ended.
    Finished {
        /// How.
        status: SyncStatus,
    },
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    /// Every circle is caught up (or expired).
    CaughtUp,
    /// Some circles failed; the rest are caught up. The failures are in the report.
    Partial,
    /// Stopped on request; everything committed so far stays, the next run resumes.
    Cancelled,
    /// HTTP 401: the caller should flip the account to `NeedsLogin`; the next run, after
    /// sign-in, resumes where this one stopped.
    NeedsLogin,
}

impl SyncStatus {
    /// The status as stored and logged.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CaughtUp => "caught_up",
            Self::Partial => "partial",
            Self::Cancelled => "cancelled",
            Self::NeedsLogin => "needs_login",
        }
    }
}

/// Where one circle ended up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CircleState {
    /// Archived completely.
    CaughtUp,
    /// Work remains (the run was cancelled, or stopped for a sign-in).
    Pending,
    /// The membership lapsed.
    Expired,
    /// A failure stopped it this run.
    Failed {
        /// Why.
        error: String,
    },
}

/// One circle's part of a [`SyncReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircleReport {
    /// The circle.
    pub group_id: GroupId,
    /// Its name.
    pub name: String,
    /// Where it stands.
    #[serde(flatten)]
    pub state: CircleState,
    /// Topics archived for the first time.
    pub topics_inserted: u64,
    /// Topics that changed.
    pub topics_updated: u64,
    /// Archived topics found deleted on the service (kept, marked).
    #[serde(default)]
    pub topics_deleted: u64,
    /// List items that did not decode, kept as served.
    #[serde(default)]
    pub topics_unreadable: u64,
    /// Comments and replies archived for the first time.
    pub comments_inserted: u64,
    /// Article bodies stored.
    pub articles: u64,
    /// Images cached.
    pub images: u64,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// How it ended.
    pub status: SyncStatus,
    /// Per circle, in the service's order.
    pub circles: Vec<CircleReport>,
    /// HTTP requests sent (retries included), from the client's pacer.
    pub requests: u64,
    /// Rounds run.
    pub rounds: u32,
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}
