//! Happenings: one event of a chosen kind made to happen now, on purpose, through
//! [`crate::SimHandle::happen`] or `POST /__sim/act` with `{"kind": …, "group_id": …}`. Tests
//! and the demo use them to bring about exactly what a client must notice — my question
//! answered, a reply to my comment, a mention of me, a question waiting for my answer, a new
//! post, a new digest — instead of running random activity until one turns up.
//!
//! A busy day ([`busy_day`]: [`crate::SimHandle::busy_day`], or `POST /__sim/act` with
//! `{"kind": "busy_day", …}`) is the big one: hundreds of topics over the last 24 hours in
//! several circles, real posts and noise mixed, answered with the ground truth of what each
//! new topic is, for testing a daily brief's ranking against it.
//!
//! Every happening goes through [`crate::writes`] and [`crate::history`], like activity, so the
//! counters and the truth stay in step. It acts on a circle's newest topics only
//! ([`RECENT_TOPICS`]): a client's incremental sync re-reads just the newest ~60 topics of a
//! circle (and its open questions), and must be able to see what happened. Choices are drawn
//! from (seed, kind, circle, the circle's size), so the same writes give the same world.

use serde::{Deserialize, Serialize};
use zsxq::UserId;
use zsxq::rich_text::{Node, to_zsxq};

use crate::content;
use crate::dataset::corpus::{COMMENTS, REPLIES};
use crate::history;
use crate::rng::{Rng, tag};
use crate::world::{
    Kind, MAX_COMMENTS_PER_TOPIC, NONE, SELF_USER, TopicRef, World, comment_id, flag, questionee,
};
use crate::writes;

pub(crate) mod busy_day;

/// What is to happen; "me" is the signed-in user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HappeningKind {
    /// The questionee (owner or guest) answers my newest open question, in the circle named or
    /// else in the first circle I do not own where I have one; where I have none, I ask one
    /// first (now) and it is answered.
    AnswerMine,
    /// Another member replies to my newest comment on one of the circle's recent topics; where
    /// I have none, I comment first (a minute earlier).
    ReplyToMe,
    /// Another member comments on the circle's newest topic, @mentioning me.
    MentionMe,
    /// A member asks me a new question: in the circle I own (by default) or, named, a circle
    /// where I am a guest.
    QuestionForMe,
    /// The owner of a circle (by default one I do not own) posts a new talk.
    Topic,
    /// The owner marks a recent topic a digest (精华): the newest of the circle's newest 20
    /// that is not one yet (by default in a circle I do not own).
    Digest,
}

impl HappeningKind {
    /// The name in JSON bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AnswerMine => "answer_mine",
            Self::ReplyToMe => "reply_to_me",
            Self::MentionMe => "mention_me",
            Self::QuestionForMe => "question_for_me",
            Self::Topic => "topic",
            Self::Digest => "digest",
        }
    }

    /// What a circle needs for the happening, for the refusal's message.
    fn needs(self) -> &'static str {
        match self {
            Self::AnswerMine => "a circle the signed-in user does not own",
            Self::ReplyToMe | Self::MentionMe => {
                "a live topic with room for comments among the circle's newest 50, and a member \
                 other than the signed-in user"
            }
            Self::QuestionForMe => {
                "a circle the signed-in user owns or is a guest of, with another member to ask"
            }
            Self::Topic => "a circle the signed-in user does not own, unless group_id names one",
            Self::Digest => "a live topic that is not a digest among the circle's newest 20",
        }
    }
}

/// A happening asked for: `{"kind": "reply_to_me", "group_id": 51111858841154}`, `group_id`
/// optional (without it, the first circle in `/v2/groups` order that fits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Happening {
    /// What happens.
    pub kind: HappeningKind,
    /// Where: the circle with this group id; `None` for the first that fits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<i64>,
}

/// What happened: the topic it happened on and, for the kinds that comment, the new comment
/// (`{"topic_id": …, "comment_id": …}`; `comment_id` absent otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Happened {
    /// The question answered or asked, the topic commented on, the talk posted or the topic
    /// marked.
    pub topic_id: i64,
    /// The reply (`reply_to_me`) or the comment mentioning me (`mention_me`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<i64>,
}

/// Why a happening could not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unhappened {
    /// No circle has this group id.
    UnknownGroup(i64),
    /// The circle named, or every circle, lacks what the kind needs.
    NoCircleFits(HappeningKind, Option<i64>),
}

impl Unhappened {
    pub(crate) fn message(self) -> String {
        match self {
            Self::UnknownGroup(id) => format!("no circle has group_id {id}"),
            Self::NoCircleFits(kind, Some(id)) => format!(
                "{} cannot happen in group {id}: it needs {}",
                kind.as_str(),
                kind.needs()
            ),
            Self::NoCircleFits(kind, None) => format!(
                "{} cannot happen in any circle: it needs {}",
                kind.as_str(),
                kind.needs()
            ),
        }
    }
}

/// Happenings act on this many of a circle's newest topics: well inside the ~60 a client's
/// incremental sync re-reads.
const RECENT_TOPICS: usize = 50;
/// Digests are marked among this many newest topics, like activity's toggles.
const RECENT_DIGESTS: usize = 20;
/// My comment, when `reply_to_me` must post one first, is dated this much before the reply.
const MY_COMMENT_EARLIER_MS: i64 = 60_000;

/// Invented: what a member writes around an @mention of me (before, after); the service
/// defines no such text.
const MENTIONS: &[(&str, &str)] = &[
    ("", " 你上次问的就是这个吧？可以看看。"),
    ("这个话题想听听 ", " 的看法。"),
    ("", " 这篇和你之前写的很像，推荐一读。"),
    ("同意楼主，", " 之前也说过类似的观点。"),
    ("", " 来打卡了，一起坚持！"),
];

/// A comment @mentioning me: one of [`MENTIONS`] around the service's entity markup, title
/// percent-encoded (PROTOCOL.md §8).
fn mention_of_me(world: &World, rng: &mut Rng) -> String {
    let (before, after) = *rng.pick(MENTIONS);
    let me = world.user(SELF_USER);
    let nodes: Vec<Node> = [
        (!before.is_empty()).then(|| Node::Text(before.to_owned())),
        Some(Node::Mention {
            id: Some(UserId::new(me.id)),
            name: me.name.clone(),
        }),
        (!after.is_empty()).then(|| Node::Text(after.to_owned())),
    ]
    .into_iter()
    .flatten()
    .collect();
    to_zsxq(&nodes)
}

/// Makes `happening` happen at `now_ms`.
pub(crate) fn happen(
    world: &mut World,
    happening: Happening,
    now_ms: i64,
) -> Result<Happened, Unhappened> {
    let kind = happening.kind;
    let named = happening.group_id;
    let candidates: Vec<usize> = match named {
        Some(id) => vec![
            world
                .circle_by_group(id)
                .ok_or(Unhappened::UnknownGroup(id))?,
        ],
        None => default_circles(world, kind),
    };
    let happened = match kind {
        // Without a circle named, an open question of mine anywhere is answered before a new
        // one is asked.
        HappeningKind::AnswerMine => first(&candidates, |c| answer_mine(world, c, now_ms, false))
            .or_else(|| first(&candidates, |c| answer_mine(world, c, now_ms, true))),
        HappeningKind::ReplyToMe => first(&candidates, |c| reply_to_me(world, c, now_ms)),
        HappeningKind::MentionMe => first(&candidates, |c| mention_me(world, c, now_ms)),
        HappeningKind::QuestionForMe => first(&candidates, |c| question_for_me(world, c, now_ms)),
        HappeningKind::Topic => first(&candidates, |c| new_talk(world, c, now_ms)),
        HappeningKind::Digest => first(&candidates, |c| new_digest(world, c)),
    };
    happened.ok_or(Unhappened::NoCircleFits(kind, named))
}

fn first(
    candidates: &[usize],
    mut attempt: impl FnMut(usize) -> Option<Happened>,
) -> Option<Happened> {
    candidates.iter().find_map(|&c| attempt(c))
}

/// The circles tried, in list order, when none is named.
fn default_circles(world: &World, kind: HappeningKind) -> Vec<usize> {
    let circles = world.circles.iter().enumerate();
    match kind {
        // Others' doings: in circles somebody else owns.
        HappeningKind::AnswerMine | HappeningKind::Topic | HappeningKind::Digest => circles
            .filter(|(_, c)| c.owner != SELF_USER)
            .map(|(i, _)| i)
            .collect(),
        HappeningKind::ReplyToMe | HappeningKind::MentionMe => circles.map(|(i, _)| i).collect(),
        // The circles I own first, then those where I am a guest.
        HappeningKind::QuestionForMe => {
            let owned = circles.clone().filter(|(_, c)| c.owner == SELF_USER);
            let guest =
                circles.filter(|(_, c)| c.owner != SELF_USER && c.guests.contains(&SELF_USER));
            owned.chain(guest).map(|(i, _)| i).collect()
        }
    }
}

/// The draws of a happening: keyed by the circle's state, so that the same writes give the
/// same choices.
fn rng(world: &World, kind: HappeningKind, c: usize) -> Rng {
    let (topics, comments) = world.circles.get(c).map_or((0, 0), |circle| {
        (circle.topics.len() as u64, circle.totals.comments)
    });
    Rng::keyed(&[
        world.seed,
        tag::HAPPENING,
        kind as u64,
        c as u64,
        topics,
        comments,
    ])
}

/// The circle's members other than me, or nobody if the circle is unknown.
fn others(world: &World, c: usize) -> Vec<u32> {
    world.circles.get(c).map_or_else(Vec::new, |circle| {
        circle
            .members
            .iter()
            .copied()
            .filter(|&m| m != SELF_USER)
            .collect()
    })
}

/// Live topics among the circle's newest `window`, newest first.
fn recent_live(world: &World, c: usize, window: usize) -> Vec<TopicRef> {
    let Some(circle) = world.circles.get(c) else {
        return Vec::new();
    };
    let len = circle.topics.len();
    (len.saturating_sub(window)..len)
        .rev()
        .filter(|&o| !circle.topics[o].has(flag::DELETED))
        .map(|o| TopicRef {
            circle: c as u16,
            ordinal: o as u32,
        })
        .collect()
}

fn topic_only(world: &World, at: TopicRef) -> Happened {
    Happened {
        topic_id: world.topic_id(at),
        comment_id: None,
    }
}

fn answer_mine(world: &mut World, c: usize, now_ms: i64, may_ask: bool) -> Option<Happened> {
    let circle = world.circles.get(c)?;
    if circle.owner == SELF_USER {
        return None;
    }
    let open = circle.topics.iter().rposition(|m| {
        m.kind == Kind::Question
            && m.author == SELF_USER
            && !m.has(flag::ANSWERED | flag::DELETED)
            && questionee(circle, m) != SELF_USER
    });
    let at = match open {
        Some(ordinal) => TopicRef {
            circle: c as u16,
            ordinal: ordinal as u32,
        },
        // Asked of the owner, as most questions are.
        None if may_ask => {
            writes::post_derived(world, c, Kind::Question, SELF_USER, 0, NONE, now_ms)
        }
        None => return None,
    };
    let (circle, meta) = world.topic_at(at)?;
    let answerer = questionee(circle, meta);
    let meta = *meta;
    let text = content::derive(world, at, &meta).answer.to_owned();
    writes::post_answer(world, at, answerer, text, false, now_ms).ok()?;
    Some(topic_only(world, at))
}

/// Whether two more comments fit under the topic.
fn has_room(world: &World, at: TopicRef) -> bool {
    content::comments(world, at).len() + 2 <= MAX_COMMENTS_PER_TOPIC
}

fn reply_to_me(world: &mut World, c: usize, now_ms: i64) -> Option<Happened> {
    let others = others(world, c);
    let recent: Vec<TopicRef> = recent_live(world, c, RECENT_TOPICS)
        .into_iter()
        .filter(|&at| has_room(world, at))
        .collect();
    let &newest = recent.first()?;
    if others.is_empty() {
        return None;
    }
    let mut rng = rng(world, HappeningKind::ReplyToMe, c);
    let mine = recent.iter().find_map(|&at| {
        content::comments(world, at)
            .iter()
            .rev()
            .find(|rec| rec.author == SELF_USER)
            .map(|rec| (at, comment_id(at, rec.index)))
    });
    let (at, mine) = match mine {
        Some(found) => found,
        None => {
            let text = (*rng.pick(COMMENTS)).to_owned();
            let when = now_ms - MY_COMMENT_EARLIER_MS;
            let rec = writes::post_comment(world, newest, SELF_USER, text, None, when).ok()?;
            (newest, comment_id(newest, rec.index))
        }
    };
    // The topic's author answers the comment on their topic; on my own topic, another member.
    let author = world
        .meta(at)
        .map(|m| m.author)
        .filter(|&a| a != SELF_USER)
        .unwrap_or_else(|| *rng.pick(&others));
    let text = (*rng.pick(REPLIES)).to_owned();
    let rec = writes::post_comment(world, at, author, text, Some(mine), now_ms).ok()?;
    Some(Happened {
        topic_id: world.topic_id(at),
        comment_id: Some(comment_id(at, rec.index)),
    })
}

fn mention_me(world: &mut World, c: usize, now_ms: i64) -> Option<Happened> {
    let others = others(world, c);
    let at = recent_live(world, c, RECENT_TOPICS)
        .into_iter()
        .find(|&at| has_room(world, at))?;
    if others.is_empty() {
        return None;
    }
    let mut rng = rng(world, HappeningKind::MentionMe, c);
    let author = *rng.pick(&others);
    let text = mention_of_me(world, &mut rng);
    let rec = writes::post_comment(world, at, author, text, None, now_ms).ok()?;
    Some(Happened {
        topic_id: world.topic_id(at),
        comment_id: Some(comment_id(at, rec.index)),
    })
}

fn question_for_me(world: &mut World, c: usize, now_ms: i64) -> Option<Happened> {
    let circle = world.circles.get(c)?;
    let aux = if circle.owner == SELF_USER {
        0
    } else if circle.guests.contains(&SELF_USER) {
        SELF_USER + 1
    } else {
        return None;
    };
    // A member asks; not the owner of a circle where I am only a guest.
    let owner = circle.owner;
    let others = others(world, c);
    let askers: Vec<u32> = others.iter().copied().filter(|&m| m != owner).collect();
    let askers = if askers.is_empty() { others } else { askers };
    if askers.is_empty() {
        return None;
    }
    let asker = *rng(world, HappeningKind::QuestionForMe, c).pick(&askers);
    let at = writes::post_derived(world, c, Kind::Question, asker, aux, NONE, now_ms);
    Some(topic_only(world, at))
}

fn new_talk(world: &mut World, c: usize, now_ms: i64) -> Option<Happened> {
    let circle = world.circles.get(c)?;
    let owner = circle.owner;
    let hashtags = circle.hashtags.len() as u64;
    let mut rng = rng(world, HappeningKind::Topic, c);
    // Tagged as often as the dataset's talks are.
    let hashtag = if hashtags > 0 && rng.percent(55) {
        rng.below(hashtags) as u8
    } else {
        NONE
    };
    let at = writes::post_derived(world, c, Kind::Talk, owner, 0, hashtag, now_ms);
    Some(topic_only(world, at))
}

fn new_digest(world: &mut World, c: usize) -> Option<Happened> {
    let at = recent_live(world, c, RECENT_DIGESTS)
        .into_iter()
        .find(|&at| world.meta(at).is_some_and(|m| !m.has(flag::DIGESTED)))?;
    history::toggle_digest(world, at).then(|| topic_only(world, at))
}
