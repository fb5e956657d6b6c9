//! The simulated service's state: users, circles and, per circle, one compact [`TopicMeta`] per
//! topic in time order. Topic content is not stored: [`crate::content`] derives it from the seed
//! and the topic's position whenever it is rendered, which is what lets `generated:1000000` run
//! in a few tens of megabytes. Only what clients write (and `jsonl:` texts) is kept verbatim, in
//! side tables keyed by [`TopicRef`].
//!
//! Ids encode positions ([`World::topic_id`], [`comment_id`], [`file_id`]…), so every id in a
//! URL can be resolved without an index.

use std::collections::{HashMap, HashSet};

use crate::rng::hash;

/// A topic's position: circle index and ordinal within the circle's time-ordered list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TopicRef {
    pub(crate) circle: u16,
    pub(crate) ordinal: u32,
}

/// The four topic types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Kind {
    Talk,
    Question,
    Task,
    Solution,
}

/// Flag bits of [`TopicMeta::flags`].
pub(crate) mod flag {
    pub(crate) const DIGESTED: u8 = 1;
    pub(crate) const STICKY: u8 = 2;
    pub(crate) const ANSWERED: u8 = 4;
    pub(crate) const ANONYMOUS: u8 = 8;
    pub(crate) const SELF_LIKED: u8 = 16;
    /// The text is in [`super::World::stored`] rather than derived.
    pub(crate) const STORED: u8 = 32;
    pub(crate) const SILENCED: u8 = 64;
    /// Deleted by its author: in no list, and `/v2/topics/{id}` answers 100002.
    pub(crate) const DELETED: u8 = 128;
}

/// Whom a question is addressed to: the circle's owner when `aux` is 0 (every dataset's
/// default), otherwise the user with index `aux - 1` (a guest; questions go to guests too).
pub(crate) fn questionee(circle: &Circle, meta: &TopicMeta) -> u32 {
    match meta.aux {
        0 => circle.owner,
        n => n - 1,
    }
}

/// `NONE` for the `hashtag` and `column` bytes.
pub(crate) const NONE: u8 = u8::MAX;

/// Everything about a topic that paging, filtering and counting need, in 32 bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TopicMeta {
    /// `create_time` in Unix milliseconds; non-decreasing along the circle's list, with
    /// deliberate runs of equal values (several topics in one millisecond).
    pub(crate) time_ms: i64,
    /// User index of the talk/task/solution owner or of the asker.
    pub(crate) author: u32,
    /// A task's solution count; a solution's task ordinal; a question's questionee (see
    /// [`questionee`]); a talk's noise (see [`crate::noise`]).
    pub(crate) aux: u32,
    pub(crate) likes: u32,
    /// Comments (and replies) derived from the seed; posted ones are in [`World::posted`].
    pub(crate) derived_comments: u16,
    pub(crate) kind: Kind,
    pub(crate) flags: u8,
    pub(crate) hashtag: u8,
    pub(crate) column: u8,
}

impl TopicMeta {
    pub(crate) fn has(&self, bit: u8) -> bool {
        self.flags & bit != 0
    }
}

/// A user.
#[derive(Debug, Clone)]
pub(crate) struct UserRec {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) location: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct HashtagRec {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) topics_count: u64,
    pub(crate) privileged: bool,
    pub(crate) on_timeline: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ColumnRec {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) create_ms: i64,
    /// Ordinals, oldest first; at most [`COLUMN_LIMIT`].
    pub(crate) topics: Vec<u32>,
}

/// The service files at most 100 topics in a column.
pub(crate) const COLUMN_LIMIT: usize = 100;

/// A timeline tab: a preset scope or a hashtag.
#[derive(Debug, Clone)]
pub(crate) struct MenuRec {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) preset: Option<&'static str>,
    pub(crate) hashtag: Option<usize>,
}

/// Running counts, kept current by every mutation so that the truth is O(circles).
#[derive(Debug, Clone, Default)]
pub(crate) struct Totals {
    pub(crate) comments: u64,
    pub(crate) answered: u64,
    pub(crate) digests: u64,
    pub(crate) files: u64,
}

/// A circle (星球).
#[derive(Debug, Clone)]
pub(crate) struct Circle {
    pub(crate) group_id: i64,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) kind: &'static str,
    /// Index into [`crate::dataset::corpus::THEMES`].
    pub(crate) theme: usize,
    pub(crate) owner: u32,
    /// User indices; the owner first, then the members who post.
    pub(crate) members: Vec<u32>,
    pub(crate) guests: Vec<u32>,
    /// Partners (合伙人): staff listed by `role_members` and in `partner_ids`.
    pub(crate) partners: Vec<u32>,
    pub(crate) create_ms: i64,
    pub(crate) hashtags: Vec<HashtagRec>,
    pub(crate) columns: Vec<ColumnRec>,
    pub(crate) menus: Vec<MenuRec>,
    /// Read markers per menu id, in Unix milliseconds.
    pub(crate) read_times: Vec<(i64, i64)>,
    pub(crate) topics: Vec<TopicMeta>,
    pub(crate) totals: Totals,
}

/// A topic whose text was given rather than derived.
#[derive(Debug, Clone)]
pub(crate) struct StoredTopic {
    /// An id the dataset imposed (`jsonl:` lines with `topic_id`).
    pub(crate) topic_id: Option<i64>,
    pub(crate) text: String,
    /// What the dataset attached; none for `jsonl:` lines and client posts.
    pub(crate) attachments: Attachments,
}

/// The images, file and article of a stored topic, given by the dataset (the `hostile` one)
/// rather than drawn from the seed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attachments {
    /// How many images (at most 3: higher image numbers belong to answers).
    pub(crate) images: u8,
    pub(crate) file_name: Option<String>,
    pub(crate) article: Option<StoredArticle>,
}

#[derive(Debug, Clone)]
pub(crate) struct StoredArticle {
    pub(crate) title: String,
    /// The HTML inside the article page's content `<div>`, served as is.
    pub(crate) body_html: String,
}

#[derive(Debug, Clone)]
pub(crate) struct StoredAnswer {
    pub(crate) owner: u32,
    pub(crate) text: String,
    pub(crate) time_ms: i64,
}

/// A comment: derived from the seed (see [`crate::content::comments`]) or written by a client,
/// by activity or by the `hostile` dataset (kept in [`World::posted`]).
#[derive(Debug, Clone)]
pub(crate) struct CommentRec {
    /// Position among the topic's comments, after the derived ones.
    pub(crate) index: u16,
    pub(crate) time_ms: i64,
    pub(crate) author: u32,
    pub(crate) text: String,
    /// Index of the top-level comment this replies under.
    pub(crate) parent: Option<u16>,
    pub(crate) repliee: Option<u32>,
}

/// The whole simulated service.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) seed: u64,
    /// Generated timelines end just before this instant (unix ms); see `SimConfig::newest_ms`.
    pub(crate) anchor_ms: i64,
    pub(crate) users: Vec<UserRec>,
    pub(crate) user_index: HashMap<i64, u32>,
    pub(crate) circles: Vec<Circle>,
    pub(crate) explicit_ids: HashMap<i64, TopicRef>,
    pub(crate) stored: HashMap<TopicRef, StoredTopic>,
    pub(crate) answers: HashMap<TopicRef, StoredAnswer>,
    pub(crate) posted: HashMap<TopicRef, Vec<CommentRec>>,
    pub(crate) mobile_only_files: HashSet<i64>,
    /// A `key=value` query parameter added to every media URL (images, avatars, covers,
    /// articles, downloads); empty for most datasets, a payload for `hostile`.
    pub(crate) media_query: String,
    /// Activity events applied so far; the key of the next one.
    pub(crate) activity_events: u64,
    /// Edits, deletions and toggles after posting.
    pub(crate) history: crate::history::History,
    /// Whether generated timelines put some topics in the millisecond of the one before
    /// (`SimConfig::same_millisecond_runs`).
    pub(crate) same_millisecond_runs: bool,
}

/// The signed-in user is always user 0.
pub(crate) const SELF_USER: u32 = 0;

/// A comment's index can use 12 bits of its id.
pub(crate) const MAX_COMMENTS_PER_TOPIC: usize = 4095;

const TOPIC_ID_BASE: i64 = 45_000_000_000_000_000;
const TOPIC_ID_CIRCLE: i64 = 1_000_000_000_000;
const COMMENT_ID_BASE: i64 = 1 << 52;
const IMAGE_ID_BASE: i64 = 4_000_000_000_000_000;
const FILE_ID_BASE: i64 = 300_000_000_000_000;
const DYNAMIC_ID_OFFSET: i64 = 7_000_000_000_000_000_000;
/// Article ids are the topic id in base 36 under this mask, so they look like the service's
/// short random strings (`degukvf59qew`) yet resolve without a table.
const ARTICLE_MASK: u64 = 0x3A5C_96E1_0F2B;

impl World {
    /// The id of the topic at `at`: above 2^53 (and rarely a multiple of 8), so a client that
    /// parses ids as floats gets them wrong, as with the real service.
    pub(crate) fn topic_id(&self, at: TopicRef) -> i64 {
        if let Some(StoredTopic {
            topic_id: Some(id), ..
        }) = self.stored.get(&at)
        {
            return *id;
        }
        derived_topic_id(self.seed, at)
    }

    /// Resolves a topic id from a URL; a deleted topic is not found, as on the service.
    pub(crate) fn find_topic(&self, id: i64) -> Option<TopicRef> {
        self.locate_topic(id)
            .filter(|at| self.meta(*at).is_some_and(|m| !m.has(flag::DELETED)))
    }

    /// Resolves a topic id, deleted or not.
    pub(crate) fn locate_topic(&self, id: i64) -> Option<TopicRef> {
        if let Some(at) = self.explicit_ids.get(&id) {
            return Some(*at);
        }
        let rest = id.checked_sub(TOPIC_ID_BASE)?;
        if rest < 0 {
            return None;
        }
        let at = TopicRef {
            circle: u16::try_from(rest / TOPIC_ID_CIRCLE).ok()?,
            ordinal: u32::try_from((rest % TOPIC_ID_CIRCLE) / 100).ok()?,
        };
        self.meta(at)?;
        (self.topic_id(at) == id).then_some(at)
    }

    /// The circle of a topic and the topic's record.
    pub(crate) fn topic_at(&self, at: TopicRef) -> Option<(&Circle, &TopicMeta)> {
        let circle = self.circles.get(usize::from(at.circle))?;
        Some((circle, circle.topics.get(at.ordinal as usize)?))
    }

    pub(crate) fn meta(&self, at: TopicRef) -> Option<&TopicMeta> {
        self.circles
            .get(usize::from(at.circle))?
            .topics
            .get(at.ordinal as usize)
    }

    pub(crate) fn meta_mut(&mut self, at: TopicRef) -> Option<&mut TopicMeta> {
        self.circles
            .get_mut(usize::from(at.circle))?
            .topics
            .get_mut(at.ordinal as usize)
    }

    pub(crate) fn circle_by_group(&self, group_id: i64) -> Option<usize> {
        self.circles.iter().position(|c| c.group_id == group_id)
    }

    /// The circle and index of a hashtag.
    pub(crate) fn hashtag(&self, hashtag_id: i64) -> Option<(usize, usize)> {
        self.circles.iter().enumerate().find_map(|(c, circle)| {
            circle
                .hashtags
                .iter()
                .position(|h| h.id == hashtag_id)
                .map(|h| (c, h))
        })
    }

    pub(crate) fn user(&self, index: u32) -> &UserRec {
        // Every stored index was produced by `add_user`; fall back to the signed-in user
        // rather than panic if that ever breaks.
        self.users
            .get(index as usize)
            .or_else(|| self.users.first())
            .unwrap_or(&FALLBACK_USER)
    }

    /// Adds a user with an id derived from the seed and the user's index.
    pub(crate) fn add_user(
        &mut self,
        name: String,
        description: Option<String>,
        location: Option<String>,
    ) -> u32 {
        let index = self.users.len() as u32;
        let mut salt = 0u64;
        let id = loop {
            let h = hash(&[self.seed, crate::rng::tag::USER, u64::from(index), salt]);
            // 15 digits, like the service's user ids.
            let id = 100_000_000_000_000 + (h % 800_000_000_000_000) as i64;
            if !self.user_index.contains_key(&id) {
                break id;
            }
            salt += 1;
        };
        self.add_user_with_id(id, name, description, location)
    }

    pub(crate) fn add_user_with_id(
        &mut self,
        id: i64,
        name: String,
        description: Option<String>,
        location: Option<String>,
    ) -> u32 {
        if let Some(&existing) = self.user_index.get(&id) {
            return existing;
        }
        let index = self.users.len() as u32;
        self.users.push(UserRec {
            id,
            name,
            description,
            location,
        });
        self.user_index.insert(id, index);
        index
    }

    /// The newest `create_time` in a circle, for placing new topics after it.
    pub(crate) fn latest_ms(&self, circle: usize) -> i64 {
        self.circles
            .get(circle)
            .and_then(|c| c.topics.last())
            .map_or(0, |m| m.time_ms)
    }

    /// Unread topics of a circle: newer than the read marker of its `all` tab.
    pub(crate) fn unread(&self, circle: usize) -> u64 {
        let Some(c) = self.circles.get(circle) else {
            return 0;
        };
        let all_menu = c.menus.iter().find(|m| m.preset == Some("all"));
        let read = all_menu
            .and_then(|m| c.read_times.iter().find(|(id, _)| *id == m.id))
            .map_or(i64::MIN, |(_, t)| *t);
        let first_unread = c.topics.partition_point(|m| m.time_ms <= read);
        (c.topics.len() - first_unread) as u64
    }
}

static FALLBACK_USER: UserRec = UserRec {
    id: 0,
    name: String::new(),
    description: None,
    location: None,
};

pub(crate) fn derived_topic_id(seed: u64, at: TopicRef) -> i64 {
    let salt =
        1 + (hash(&[seed, 0x7091C, u64::from(at.circle), u64::from(at.ordinal)]) % 99) as i64;
    TOPIC_ID_BASE + i64::from(at.circle) * TOPIC_ID_CIRCLE + i64::from(at.ordinal) * 100 + salt
}

/// Below 2^53 like the service's comment ids: 8 bits of circle, 32 of ordinal, 12 of index.
pub(crate) fn comment_id(at: TopicRef, index: u16) -> i64 {
    COMMENT_ID_BASE
        | (i64::from(at.circle) << 44)
        | (i64::from(at.ordinal) << 12)
        | i64::from(index & 0x0FFF)
}

/// The `n`th image of a topic (or of its answer, `n` ≥ 4).
pub(crate) fn image_id(at: TopicRef, n: u8) -> i64 {
    IMAGE_ID_BASE + ((i64::from(at.circle) << 32) | i64::from(at.ordinal)) * 8 + i64::from(n & 7)
}

pub(crate) fn file_id(at: TopicRef) -> i64 {
    FILE_ID_BASE + ((i64::from(at.circle) << 32) | i64::from(at.ordinal))
}

pub(crate) fn file_ref(file_id: i64) -> Option<TopicRef> {
    let rest = file_id.checked_sub(FILE_ID_BASE)?;
    if rest < 0 {
        return None;
    }
    Some(TopicRef {
        circle: u16::try_from(rest >> 32).ok()?,
        ordinal: (rest & 0xFFFF_FFFF) as u32,
    })
}

pub(crate) fn dynamic_id(topic_id: i64) -> i64 {
    topic_id.wrapping_add(DYNAMIC_ID_OFFSET)
}

pub(crate) fn article_id(topic_id: i64) -> String {
    let mut n = (topic_id as u64) ^ ARTICLE_MASK;
    let mut digits = Vec::new();
    while n > 0 {
        let d = (n % 36) as u8;
        digits.push(if d < 10 { b'0' + d } else { b'a' + d - 10 });
        n /= 36;
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

pub(crate) fn article_topic_id(article_id: &str) -> Option<i64> {
    let n = u64::from_str_radix(article_id, 36).ok()?;
    i64::try_from(n ^ ARTICLE_MASK).ok()
}

/// What a topic list asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    All,
    Digests,
    ByOwner,
    Questions,
    Tasks,
    UnansweredQuestions,
    WithFiles,
    WithImages,
    Hashtag(u8),
}

impl Scope {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "all" => Self::All,
            "digests" => Self::Digests,
            "by_owner" => Self::ByOwner,
            "questions" => Self::Questions,
            "tasks" => Self::Tasks,
            "unanswered_questions" => Self::UnansweredQuestions,
            "with_files" => Self::WithFiles,
            "with_images" => Self::WithImages,
            _ => return None,
        })
    }
}

/// A page of a topic list: newest first, `end_time` and `begin_time` both inclusive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageQuery {
    pub(crate) end_ms: Option<i64>,
    pub(crate) begin_ms: Option<i64>,
    pub(crate) count: usize,
}

impl World {
    pub(crate) fn page(&self, circle: usize, scope: Scope, query: PageQuery) -> Vec<u32> {
        let Some(c) = self.circles.get(circle) else {
            return Vec::new();
        };
        let end = query.end_ms.map_or(c.topics.len(), |end| {
            c.topics.partition_point(|m| m.time_ms <= end)
        });
        let mut out = Vec::with_capacity(query.count);
        for ordinal in (0..end).rev() {
            if out.len() >= query.count {
                break;
            }
            let meta = &c.topics[ordinal];
            if query.begin_ms.is_some_and(|begin| meta.time_ms < begin) {
                break;
            }
            let at = TopicRef {
                circle: circle as u16,
                ordinal: ordinal as u32,
            };
            if self.matches(c, at, meta, scope) {
                out.push(ordinal as u32);
            }
        }
        out
    }

    fn matches(&self, c: &Circle, at: TopicRef, meta: &TopicMeta, scope: Scope) -> bool {
        if meta.has(flag::DELETED) {
            return false;
        }
        match scope {
            Scope::All => true,
            Scope::Digests => meta.has(flag::DIGESTED),
            Scope::ByOwner => match meta.kind {
                Kind::Question => meta.has(flag::ANSWERED),
                _ => meta.author == c.owner,
            },
            Scope::Questions => meta.kind == Kind::Question,
            Scope::Tasks => meta.kind == Kind::Task,
            Scope::UnansweredQuestions => {
                meta.kind == Kind::Question
                    && !meta.has(flag::ANSWERED)
                    && questionee(c, meta) == SELF_USER
            }
            Scope::WithFiles => crate::content::traits(self, at, meta).file,
            Scope::WithImages => crate::content::traits(self, at, meta).images > 0,
            Scope::Hashtag(h) => meta.hashtag == h,
        }
    }
}

impl World {
    /// Appends a topic to a circle (it must be the circle's newest) and keeps every counter
    /// in step: totals, hashtag counts, column membership, a task's solution count.
    pub(crate) fn push_topic(&mut self, circle: usize, mut meta: TopicMeta) -> TopicRef {
        let at = TopicRef {
            circle: circle as u16,
            ordinal: self
                .circles
                .get(circle)
                .map_or(0, |c| c.topics.len() as u32),
        };
        let has_file = crate::content::traits(self, at, &meta).file;
        let Some(c) = self.circles.get_mut(circle) else {
            return at;
        };
        c.totals.comments += u64::from(meta.derived_comments);
        c.totals.answered += u64::from(meta.kind == Kind::Question && meta.has(flag::ANSWERED));
        c.totals.digests += u64::from(meta.has(flag::DIGESTED));
        c.totals.files += u64::from(has_file);
        if let Some(tag) = c.hashtags.get_mut(usize::from(meta.hashtag)) {
            tag.topics_count += 1;
        } else {
            meta.hashtag = NONE;
        }
        match c.columns.get_mut(usize::from(meta.column)) {
            Some(column) if column.topics.len() < COLUMN_LIMIT => column.topics.push(at.ordinal),
            _ => meta.column = NONE,
        }
        if meta.kind == Kind::Solution {
            match c.topics.get_mut(meta.aux as usize) {
                Some(task) if task.kind == Kind::Task => task.aux += 1,
                _ => {
                    meta.kind = Kind::Talk;
                    meta.aux = crate::noise::REAL;
                }
            }
        }
        c.topics.push(meta);
        at
    }

    /// [`Self::push_topic`] for a topic whose text (and attachments) are given: the text is
    /// stored first, so the counters see its attachments.
    pub(crate) fn push_stored_topic(
        &mut self,
        circle: usize,
        mut meta: TopicMeta,
        stored: StoredTopic,
    ) -> TopicRef {
        meta.flags |= flag::STORED;
        let at = TopicRef {
            circle: circle as u16,
            ordinal: self
                .circles
                .get(circle)
                .map_or(0, |c| c.topics.len() as u32),
        };
        self.stored.insert(at, stored);
        self.push_topic(circle, meta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for at in [
            TopicRef {
                circle: 0,
                ordinal: 0,
            },
            TopicRef {
                circle: 3,
                ordinal: 999_999,
            },
            TopicRef {
                circle: 200,
                ordinal: 49_999_999,
            },
        ] {
            let id = derived_topic_id(9, at);
            assert!(id > 1 << 53);
            assert_eq!(article_topic_id(&article_id(id)), Some(id));
            assert_eq!(file_ref(file_id(at)), Some(at));
            assert!(comment_id(at, 4095) < 1 << 53);
        }
    }
}
