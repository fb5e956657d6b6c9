//! A busy day on demand: `topics` new topics spread over the last 24 hours in up to `circles`
//! circles, the way a day in several lively circles looks to a member catching up — the
//! owners' and guests' posts (some marked 精华), members' talks and questions (some for me,
//! some answered by the owner, a few of mine answered), and between them the noise of
//! [`crate::noise`] (check-ins, thanks, link-only posts, near-duplicates), each with the heavy
//! tail of [`crate::engagement`]; then a few comments replying to me or @mentioning me.
//!
//! It answers with the ground truth ([`BusyDayTruth`]): every new topic's id in exactly one
//! class, so that a test can check a daily brief's ranking against what the topics are rather
//! than against the ranking itself. The topics are ordinary topics: served by every list like
//! any other, counted in the truth, and derived when rendered like the dataset's (nothing is
//! stored per topic but its 32-byte record, an answer or a posted comment).
//!
//! Invented: the whole mix (about four topics in ten noise, one in eight the owner's or a
//! guest's, one in ten a member's question), the times, and which circles take part (the
//! first `circles` in `/v2/groups` order). Draws are keyed by the seed and the world's size,
//! so the same seed and the same writes give the same busy day. The times are spread over the
//! 24 hours before the wall clock's now, like every topic time of the simulator, but after
//! each circle's newest topic: timelines only grow at the end, so a second busy day right
//! after a first fits its topics into the moments since.

use serde::{Deserialize, Serialize};

use super::{Happened, mention_of_me};
use crate::content;
use crate::dataset::corpus::{COMMENTS, REPLIES};
use crate::engagement::{self, Draws};
use crate::noise::{self, NoiseKind};
use crate::rng::{Rng, tag};
use crate::world::{
    Circle, Kind, NONE, SELF_USER, TopicMeta, TopicRef, World, comment_id, flag, questionee,
};
use crate::writes;

/// Circles a busy day takes by default.
pub const DEFAULT_BUSY_DAY_CIRCLES: usize = 5;
/// New topics of a busy day by default.
pub const DEFAULT_BUSY_DAY_TOPICS: usize = 500;
/// The most topics one busy day makes; more are clamped to this.
pub const MAX_BUSY_DAY_TOPICS: usize = 100_000;

/// A busy day asked for: `{"kind": "busy_day", "circles": 5, "topics": 500}` over HTTP, both
/// optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusyDay {
    /// How many circles take part: the first ones in `/v2/groups` order, up to as many as the
    /// world has (`generated:N:C` makes more). Default [`DEFAULT_BUSY_DAY_CIRCLES`].
    #[serde(default = "default_circles")]
    pub circles: usize,
    /// New topics in all, split evenly between the circles. Default
    /// [`DEFAULT_BUSY_DAY_TOPICS`], at most [`MAX_BUSY_DAY_TOPICS`].
    #[serde(default = "default_topics")]
    pub topics: usize,
}

fn default_circles() -> usize {
    DEFAULT_BUSY_DAY_CIRCLES
}

fn default_topics() -> usize {
    DEFAULT_BUSY_DAY_TOPICS
}

impl Default for BusyDay {
    fn default() -> Self {
        Self {
            circles: DEFAULT_BUSY_DAY_CIRCLES,
            topics: DEFAULT_BUSY_DAY_TOPICS,
        }
    }
}

/// A noise topic of a busy day and its kind: `{"topic_id": …, "kind": "check_in"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NoiseTopic {
    /// The topic.
    pub topic_id: i64,
    /// What kind of noise it is.
    pub kind: NoiseKind,
}

/// What a busy day made, "me" being the signed-in user. Every new topic is in exactly one of
/// the topic lists, the first that fits in this order: `answers_to_me`, `questions_for_me`,
/// `digests`, `owner_posts`, `owner_answers`, `noise`, `other`. Each list is in the order the
/// topics were posted, circle by circle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusyDayTruth {
    /// The circles it happened in, in `/v2/groups` order.
    pub group_ids: Vec<i64>,
    /// My questions of the day, answered by their questionee (the owner or a guest).
    pub answers_to_me: Vec<i64>,
    /// Members' questions to me, waiting for my answer (in a circle I own or am a guest of).
    pub questions_for_me: Vec<i64>,
    /// Talks marked 精华, the owner's, guests' and members'.
    pub digests: Vec<i64>,
    /// The other talks of the owner or a guest.
    pub owner_posts: Vec<i64>,
    /// Members' questions the owner or a guest answered.
    pub owner_answers: Vec<i64>,
    /// Check-ins, thanks, link-only posts and near-duplicates.
    pub noise: Vec<NoiseTopic>,
    /// Everything else: members' talks, questions nobody answered yet, my unanswered ones.
    pub other: Vec<i64>,
    /// Replies to a comment of mine, on the day's topics (my comment was posted first).
    pub replies_to_me: Vec<Happened>,
    /// Comments @mentioning me, on the day's topics.
    pub mentions_of_me: Vec<Happened>,
}

impl BusyDayTruth {
    /// Every new topic, each once.
    pub fn topic_ids(&self) -> Vec<i64> {
        let mut all = self.must_see();
        all.extend(&self.owner_answers);
        all.extend(self.noise_ids());
        all.extend(&self.other);
        all
    }

    /// What a daily brief must not bury: my answered questions, questions for me, digests and
    /// the owner's and guests' posts.
    pub fn must_see(&self) -> Vec<i64> {
        [
            &self.answers_to_me,
            &self.questions_for_me,
            &self.digests,
            &self.owner_posts,
        ]
        .into_iter()
        .flatten()
        .copied()
        .collect()
    }

    /// The noise topics' ids.
    pub fn noise_ids(&self) -> Vec<i64> {
        self.noise.iter().map(|n| n.topic_id).collect()
    }

    /// The noise topics of one kind.
    pub fn noise_of(&self, kind: NoiseKind) -> Vec<i64> {
        self.noise
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.topic_id)
            .collect()
    }
}

/// What one new topic is to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    OwnerTalk { digest: bool },
    GuestTalk { digest: bool },
    MemberTalk { digest: bool },
    MemberQuestion { answered: bool },
    MyQuestion { answered: bool },
    QuestionForMe,
    Noise(NoiseKind),
}

/// Who is who in a circle, for the busy day.
#[derive(Debug)]
struct Cast {
    owner: u32,
    /// I own the circle.
    mine: bool,
    /// I am one of its guests.
    my_guest: bool,
    /// Its guests other than me.
    guests: Vec<u32>,
    /// Its members who are neither owner, guest nor me.
    ordinary: Vec<u32>,
}

impl Cast {
    fn of(circle: &Circle) -> Self {
        Self {
            owner: circle.owner,
            mine: circle.owner == SELF_USER,
            my_guest: circle.guests.contains(&SELF_USER),
            guests: circle
                .guests
                .iter()
                .copied()
                .filter(|&g| g != SELF_USER)
                .collect(),
            ordinary: circle
                .members
                .iter()
                .copied()
                .filter(|&m| noise::ordinary(circle, m))
                .collect(),
        }
    }

    /// Whether members can ask me questions here.
    fn asks_me(&self) -> bool {
        !self.ordinary.is_empty() && (self.mine || self.my_guest)
    }

    /// Invented: the mix of a busy day, in percent of a circle's new topics.
    fn weights(&self) -> [(Slot, u64); 10] {
        let members = !self.ordinary.is_empty();
        let when = |fits: bool, weight: u64| if fits { weight } else { 0 };
        [
            (Slot::OwnerTalk { digest: false }, when(!self.mine, 9)),
            (
                Slot::GuestTalk { digest: false },
                when(!self.guests.is_empty(), 4),
            ),
            (
                Slot::MemberTalk { digest: false },
                when(members, if self.mine { 40 } else { 31 }),
            ),
            (
                Slot::MemberQuestion { answered: false },
                when(members && (!self.mine || !self.guests.is_empty()), 9),
            ),
            (Slot::MyQuestion { answered: false }, when(!self.mine, 4)),
            (
                Slot::QuestionForMe,
                when(self.asks_me(), if self.mine { 6 } else { 3 }),
            ),
            (Slot::Noise(NoiseKind::CheckIn), when(members, 15)),
            (Slot::Noise(NoiseKind::Thanks), when(members, 12)),
            (Slot::Noise(NoiseKind::LinkOnly), when(members, 8)),
            (Slot::Noise(NoiseKind::NearDuplicate), when(members, 8)),
        ]
    }

    /// One slot drawn from the mix, with its digest mark or answer.
    fn draw(&self, rng: &mut Rng) -> Option<Slot> {
        let weights = self.weights();
        let total: u64 = weights.iter().map(|(_, w)| w).sum();
        let mut roll = rng.below(total);
        let (slot, _) = weights.into_iter().find(|&(_, w)| {
            let hit = roll < w;
            roll = roll.saturating_sub(w);
            hit
        })?;
        Some(match slot {
            Slot::OwnerTalk { .. } => Slot::OwnerTalk {
                digest: rng.percent(30),
            },
            Slot::GuestTalk { .. } => Slot::GuestTalk {
                digest: rng.percent(30),
            },
            Slot::MemberTalk { .. } => Slot::MemberTalk {
                digest: rng.percent(6),
            },
            Slot::MemberQuestion { .. } => Slot::MemberQuestion {
                answered: rng.percent(60),
            },
            Slot::MyQuestion { .. } => Slot::MyQuestion {
                answered: rng.percent(75),
            },
            other => other,
        })
    }
}

/// At least this many of my questions answered, questions for me and digests, where the
/// circles allow them and the day has room.
const AT_LEAST: usize = 3;
const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
/// Keys the busy day's stream among the happenings'.
const BUSY_DAY: u64 = 0xB05D;

/// Makes a busy day happen, ending at `now_ms`.
pub(crate) fn busy_day(world: &mut World, busy: BusyDay, now_ms: i64) -> BusyDayTruth {
    let topics = busy.topics.min(MAX_BUSY_DAY_TOPICS);
    let circles: Vec<usize> = (0..world.circles.len().min(busy.circles)).collect();
    let mut truth = BusyDayTruth {
        group_ids: circles.iter().map(|&c| world.circles[c].group_id).collect(),
        ..BusyDayTruth::default()
    };
    if circles.is_empty() || topics == 0 {
        return truth;
    }
    let (all_topics, all_comments) = world.circles.iter().fold((0, 0), |(t, m), c| {
        (t + c.topics.len() as u64, m + c.totals.comments)
    });
    let mut rng = Rng::keyed(&[
        world.seed,
        tag::HAPPENING,
        BUSY_DAY,
        all_topics,
        all_comments,
        circles.len() as u64,
        topics as u64,
    ]);
    let casts: Vec<Cast> = circles
        .iter()
        .map(|&c| Cast::of(&world.circles[c]))
        .collect();
    let mut plans: Vec<Vec<Slot>> = casts
        .iter()
        .enumerate()
        .map(|(k, cast)| {
            let share = topics / circles.len() + usize::from(k < topics % circles.len());
            (0..share).filter_map(|_| cast.draw(&mut rng)).collect()
        })
        .collect();
    ensure(
        &mut plans,
        &casts,
        &mut rng,
        Slot::MyQuestion { answered: true },
        |cast| !cast.mine,
    );
    ensure(
        &mut plans,
        &casts,
        &mut rng,
        Slot::QuestionForMe,
        Cast::asks_me,
    );
    ensure(
        &mut plans,
        &casts,
        &mut rng,
        Slot::MemberTalk { digest: true },
        |cast| !cast.ordinary.is_empty(),
    );
    let mut talks = Vec::new();
    for ((&c, cast), plan) in circles.iter().zip(&casts).zip(&plans) {
        realise(
            world, c, cast, plan, &mut rng, now_ms, &mut truth, &mut talks,
        );
    }
    comment(world, &talks, topics, &mut rng, now_ms, &mut truth);
    truth
}

/// Turns members' plain talks or noise into `want` until at least [`AT_LEAST`] of the day's
/// slots are one, in the circles that `fits`.
fn ensure(
    plans: &mut [Vec<Slot>],
    casts: &[Cast],
    rng: &mut Rng,
    want: Slot,
    fits: impl Fn(&Cast) -> bool,
) {
    let mut have = plans.iter().flatten().filter(|&&s| s == want).count();
    let fitting: Vec<usize> = (0..casts.len()).filter(|&k| fits(&casts[k])).collect();
    let mut idle_rounds = 0;
    let mut turn = 0;
    while have < AT_LEAST && !fitting.is_empty() && idle_rounds < fitting.len() {
        let k = fitting[turn % fitting.len()];
        turn += 1;
        let plan = &mut plans[k];
        let spare: Vec<usize> = (0..plan.len())
            .filter(|&i| matches!(plan[i], Slot::MemberTalk { digest: false } | Slot::Noise(_)))
            .collect();
        if spare.is_empty() {
            idle_rounds += 1;
            continue;
        }
        idle_rounds = 0;
        plan[*rng.pick(&spare)] = want;
        have += 1;
    }
}

/// Posts one circle's share of the day, oldest first, and files each topic in the truth.
/// `talks` collects the real talks, for the comments that follow.
#[allow(clippy::too_many_arguments)]
fn realise(
    world: &mut World,
    c: usize,
    cast: &Cast,
    plan: &[Slot],
    rng: &mut Rng,
    now_ms: i64,
    truth: &mut BusyDayTruth,
    talks: &mut Vec<TopicRef>,
) {
    let begin = (now_ms - DAY_MS + 1).max(world.latest_ms(c) + 1);
    let end = now_ms.max(begin);
    let mut times: Vec<i64> = plan
        .iter()
        .map(|_| begin + rng.below((end - begin + 1) as u64) as i64)
        .collect();
    times.sort_unstable();
    for i in 1..times.len() {
        times[i] = times[i].max(times[i - 1] + 1);
    }
    // Members' real talks of the day, which a near-duplicate repeats.
    let mut originals: Vec<TopicRef> = Vec::new();
    for (&slot, &time_ms) in plan.iter().zip(&times) {
        let Some(circle) = world.circles.get(c) else {
            return;
        };
        let hashtags = circle.hashtags.len() as u64;
        let columns = circle.columns.len() as u64;
        let at = TopicRef {
            circle: c as u16,
            ordinal: circle.topics.len() as u32,
        };
        let member = |rng: &mut Rng| *rng.pick(&cast.ordinary);
        let mut meta = TopicMeta {
            time_ms,
            author: cast.owner,
            aux: noise::PLAIN,
            likes: 0,
            derived_comments: 0,
            kind: Kind::Talk,
            flags: 0,
            hashtag: NONE,
            column: NONE,
        };
        let mut answered = false;
        match slot {
            Slot::OwnerTalk { digest }
            | Slot::GuestTalk { digest }
            | Slot::MemberTalk { digest } => {
                meta.author = match slot {
                    Slot::OwnerTalk { .. } => cast.owner,
                    Slot::GuestTalk { .. } => *rng.pick(&cast.guests),
                    _ => member(rng),
                };
                if digest {
                    meta.flags |= flag::DIGESTED;
                }
                // Tagged as often as the dataset's talks; the owner files some in a column.
                if hashtags > 0 && rng.percent(55) {
                    meta.hashtag = rng.below(hashtags) as u8;
                }
                if meta.author == cast.owner && columns > 0 && rng.percent(30) {
                    meta.column = rng.below(columns) as u8;
                }
            }
            Slot::MemberQuestion { answered: a } => {
                meta.kind = Kind::Question;
                meta.author = member(rng);
                answered = a;
                // To a guest now and then, and always where the owner is me (that would be
                // a question for me).
                meta.aux = if !cast.guests.is_empty() && (cast.mine || rng.percent(25)) {
                    *rng.pick(&cast.guests) + 1
                } else {
                    0
                };
                if rng.percent(10) {
                    meta.flags |= flag::ANONYMOUS;
                }
            }
            Slot::MyQuestion { answered: a } => {
                meta.kind = Kind::Question;
                meta.author = SELF_USER;
                answered = a;
                meta.aux = if !cast.guests.is_empty() && rng.percent(20) {
                    *rng.pick(&cast.guests) + 1
                } else {
                    0
                };
            }
            Slot::QuestionForMe => {
                meta.kind = Kind::Question;
                meta.author = member(rng);
                meta.aux = if cast.mine { 0 } else { SELF_USER + 1 };
            }
            Slot::Noise(kind) => {
                meta.author = member(rng);
                meta.aux = match kind {
                    NoiseKind::CheckIn => noise::CHECK_IN,
                    NoiseKind::Thanks => noise::THANKS_ONLY,
                    NoiseKind::LinkOnly => noise::LINK_ONLY,
                    NoiseKind::NearDuplicate => match originals.last() {
                        Some(original) => {
                            let source = world.meta(*original).copied();
                            if let Some(source) = source {
                                meta.author = source.author;
                                meta.hashtag = source.hashtag;
                            }
                            noise::DUPLICATE + (at.ordinal - original.ordinal)
                        }
                        // Nothing to repeat yet: a thanks instead.
                        None => noise::THANKS_ONLY,
                    },
                };
            }
        }
        let Some(circle) = world.circles.get(c) else {
            return;
        };
        let mut settled = meta;
        if answered {
            settled.flags |= flag::ANSWERED;
        }
        let standing = engagement::standing(circle, at, &settled);
        let draws = Draws::take(rng);
        meta.likes = draws.likes(standing);
        // Derived comments come at most an hour apart: no more than the hours since posting,
        // so none is dated after now.
        let hours = ((now_ms - time_ms) / HOUR_MS).max(0);
        meta.derived_comments = draws
            .comments(standing)
            .min(u16::try_from(hours).unwrap_or(u16::MAX));
        let questionee = questionee(circle, &meta);
        let at = world.push_topic(c, meta);
        if answered {
            let text = content::derive(world, at, &meta).answer.to_owned();
            let span = (now_ms - time_ms).max(2) as u64;
            let answer_ms = time_ms + rng.range(1, span - 1) as i64;
            // Cannot fail: a fresh question, answered by its questionee.
            let _ = writes::post_answer(world, at, questionee, text, false, answer_ms);
        }
        let id = world.topic_id(at);
        let Some(meta) = world.meta(at).copied() else {
            continue;
        };
        if let Some(kind) = noise::of(at, &meta).map(noise::Noise::kind) {
            truth.noise.push(NoiseTopic { topic_id: id, kind });
            continue;
        }
        let list = match slot {
            Slot::MyQuestion { answered: true } => &mut truth.answers_to_me,
            Slot::QuestionForMe => &mut truth.questions_for_me,
            Slot::OwnerTalk { digest: true }
            | Slot::GuestTalk { digest: true }
            | Slot::MemberTalk { digest: true } => &mut truth.digests,
            Slot::OwnerTalk { .. } | Slot::GuestTalk { .. } => &mut truth.owner_posts,
            Slot::MemberQuestion { answered: true } => &mut truth.owner_answers,
            _ => &mut truth.other,
        };
        list.push(id);
        if meta.kind == Kind::Talk {
            talks.push(at);
            if slot == (Slot::MemberTalk { digest: false }) {
                originals.push(at);
            }
        }
    }
}

/// Replies to comments of mine and mentions of me on the day's real talks: about one of each
/// per hundred topics, at least two.
fn comment(
    world: &mut World,
    talks: &[TopicRef],
    topics: usize,
    rng: &mut Rng,
    now_ms: i64,
    truth: &mut BusyDayTruth,
) {
    let wanted = (topics / 100).max(2);
    let others: Vec<TopicRef> = talks
        .iter()
        .copied()
        .filter(|&at| world.meta(at).is_some_and(|m| m.author != SELF_USER))
        .collect();
    if others.is_empty() {
        return;
    }
    let later = |rng: &mut Rng, from: i64| {
        let span = (now_ms - from).max(2) as u64;
        from + rng.range(1, span - 1) as i64
    };
    for _ in 0..wanted {
        let at = *rng.pick(&others);
        let Some(meta) = world.meta(at).copied() else {
            continue;
        };
        let mine_ms = later(rng, meta.time_ms);
        let mine_text = (*rng.pick(COMMENTS)).to_owned();
        let Ok(mine) = writes::post_comment(world, at, SELF_USER, mine_text, None, mine_ms) else {
            continue;
        };
        // The topic's author answers my comment on their topic.
        let reply_ms = later(rng, mine.time_ms);
        let reply_text = (*rng.pick(REPLIES)).to_owned();
        let mine_id = comment_id(at, mine.index);
        if let Ok(reply) =
            writes::post_comment(world, at, meta.author, reply_text, Some(mine_id), reply_ms)
        {
            truth.replies_to_me.push(Happened {
                topic_id: world.topic_id(at),
                comment_id: Some(comment_id(at, reply.index)),
            });
        }
    }
    for _ in 0..wanted {
        let at = *rng.pick(&others);
        let Some(meta) = world.meta(at).copied() else {
            continue;
        };
        let members: Vec<u32> = world
            .circles
            .get(usize::from(at.circle))
            .map(|c| {
                c.members
                    .iter()
                    .copied()
                    .filter(|&m| m != SELF_USER)
                    .collect()
            })
            .unwrap_or_default();
        if members.is_empty() {
            continue;
        }
        let author = *rng.pick(&members);
        let text = mention_of_me(world, rng);
        let when = later(rng, meta.time_ms);
        if let Ok(rec) = writes::post_comment(world, at, author, text, None, when) {
            truth.mentions_of_me.push(Happened {
                topic_id: world.topic_id(at),
                comment_id: Some(comment_id(at, rec.index)),
            });
        }
    }
}
