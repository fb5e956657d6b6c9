//! Noise: the talks a reader skims past — check-ins (打卡), one-line thanks, link-only posts
//! and near-duplicates (a member posting almost the same text again within a day) — beside the
//! real talks of generated and demo circles, of live activity and of a busy day
//! ([`crate::happen`]).
//!
//! Invented, all of it: the service does not mark noise, and publishes no shares. A talk's kind
//! of noise lives in its [`TopicMeta::aux`], which talks did not use, so a million-topic circle
//! costs not a byte more: `0` is a real talk (filed as a check-in when the hash of
//! [`crate::dataset::checkins`] says so), `1`–`3` a check-in, thanks or link-only post, `4` a
//! real talk that is never a check-in (the busy day's), and [`DUPLICATE`] plus `d` a
//! near-duplicate of the talk `d` positions before it in its circle. The text is derived when
//! the topic is rendered ([`crate::content`]), the duplicate's from its original's.
//!
//! Generated timelines and activity ([`assign`]) make noise of ordinary members' talks only
//! (not the owner's, a guest's or the signed-in user's): every one the check-in hash files (one
//! in eight), and of the rest, by a hash of the position, one in ten thanks, one in sixteen
//! link-only and, where the same member posted a real talk among the eight before it and within
//! a day, one in ten a near-duplicate of it. That is about a third of ordinary members' talks:
//! 15% of the demo's topics, 17–18% of a large `generated:N`.

use serde::{Deserialize, Serialize};
use zsxq::rich_text::{Node, to_zsxq};

use crate::dataset::corpus::{
    CHECKIN_FORMATS, CHECKIN_NOTES, DUPLICATE_EDITS, LINK_WORDS, SHARED_LINKS, THANKS, Theme,
};
use crate::rng::{Rng, hash};
use crate::world::{Circle, Kind, NONE, SELF_USER, TopicMeta, TopicRef, World, flag};

/// A kind of noise, as the busy day's truth names it (`check_in`, `thanks`, `link_only`,
/// `near_duplicate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoiseKind {
    /// A check-in: "打卡 Day 37：今天读完第三章…", filed under the circle's check-in project.
    CheckIn,
    /// A one-line thanks: "谢谢分享！", "感谢星主 🙏", "收藏了"…
    Thanks,
    /// A link and at most "转发" or "mark".
    LinkOnly,
    /// The text of the same member's talk of earlier that day, slightly edited.
    NearDuplicate,
}

impl NoiseKind {
    /// The name in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::Thanks => "thanks",
            Self::LinkOnly => "link_only",
            Self::NearDuplicate => "near_duplicate",
        }
    }
}

/// A talk's noise, with where a near-duplicate's original is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Noise {
    CheckIn,
    Thanks,
    LinkOnly,
    /// A near-duplicate of the talk at this ordinal of the same circle.
    NearDuplicate(u32),
}

impl Noise {
    pub(crate) fn kind(self) -> NoiseKind {
        match self {
            Self::CheckIn => NoiseKind::CheckIn,
            Self::Thanks => NoiseKind::Thanks,
            Self::LinkOnly => NoiseKind::LinkOnly,
            Self::NearDuplicate(_) => NoiseKind::NearDuplicate,
        }
    }
}

/// `aux` of a real talk whose check-in filing the hash decides (every dataset's default).
pub(crate) const REAL: u32 = 0;
pub(crate) const CHECK_IN: u32 = 1;
pub(crate) const THANKS_ONLY: u32 = 2;
pub(crate) const LINK_ONLY: u32 = 3;
/// `aux` of a real talk that is never filed as a check-in.
pub(crate) const PLAIN: u32 = 4;
/// `aux` of a near-duplicate is this plus how many positions back its original is.
pub(crate) const DUPLICATE: u32 = 16;

/// The noise of a topic, from its record alone.
pub(crate) fn of(at: TopicRef, meta: &TopicMeta) -> Option<Noise> {
    if meta.kind != Kind::Talk || meta.has(flag::STORED) {
        return None;
    }
    match meta.aux {
        CHECK_IN => Some(Noise::CheckIn),
        THANKS_ONLY => Some(Noise::Thanks),
        LINK_ONLY => Some(Noise::LinkOnly),
        d if d > DUPLICATE => at
            .ordinal
            .checked_sub(d - DUPLICATE)
            .map(Noise::NearDuplicate),
        _ => None,
    }
}

/// Whether `user` is an ordinary member of the circle: not its owner, a guest or the signed-in
/// user. Only they post noise.
pub(crate) fn ordinary(circle: &Circle, user: u32) -> bool {
    user != circle.owner && user != SELF_USER && !circle.guests.contains(&user)
}

/// Near-duplicates look this many talks back for their original.
const LOOK_BACK: u32 = 8;
const DAY_MS: i64 = 86_400_000;

/// Makes a generated (or activity's) talk about to become topic `ordinal` of circle `c` noise
/// where the hash of its position says so: sets `aux` and, for a near-duplicate, takes the
/// original's author and hashtag. Noise is never a digest and carries no hashtag of its own.
/// Drawn from hashes, not the timeline's stream, so every other draw stays as it was.
pub(crate) fn assign(world: &World, c: usize, ordinal: u32, meta: &mut TopicMeta) {
    let Some(circle) = world.circles.get(c) else {
        return;
    };
    if meta.kind != Kind::Talk || meta.has(flag::STORED) || !ordinary(circle, meta.author) {
        return;
    }
    let at = TopicRef {
        circle: c as u16,
        ordinal,
    };
    let slot = hash(&[world.seed, 0x4015E, c as u64, u64::from(ordinal)]) % 100;
    let aux = if crate::dataset::checkins::filed_by_hash(world, at) {
        CHECK_IN
    } else {
        match slot {
            0..10 => THANKS_ONLY,
            10..16 => LINK_ONLY,
            16..26 => match original(circle, ordinal, meta) {
                Some(back) => {
                    let source = circle.topics[(ordinal - back) as usize];
                    meta.author = source.author;
                    meta.hashtag = source.hashtag;
                    meta.flags &= !flag::DIGESTED;
                    meta.column = NONE;
                    meta.aux = DUPLICATE + back;
                    return;
                }
                None => REAL,
            },
            _ => REAL,
        }
    };
    if aux != REAL {
        meta.aux = aux;
        meta.hashtag = NONE;
        meta.column = NONE;
        meta.flags &= !flag::DIGESTED;
    }
}

/// How far back the nearest real talk by an ordinary member within a day of `meta` is.
fn original(circle: &Circle, ordinal: u32, meta: &TopicMeta) -> Option<u32> {
    (1..=LOOK_BACK.min(ordinal)).find(|&back| {
        let m = &circle.topics[(ordinal - back) as usize];
        m.kind == Kind::Talk
            && matches!(m.aux, REAL | PLAIN)
            && !m.has(flag::STORED | flag::DELETED | flag::STICKY)
            && ordinary(circle, m.author)
            && meta.time_ms - m.time_ms <= DAY_MS
    })
}

/// The text of a noise talk (for a near-duplicate, `original` is its original's text as
/// posted).
pub(crate) fn text(
    world: &World,
    at: TopicRef,
    meta: &TopicMeta,
    noise: Noise,
    theme: &Theme,
    rng: &mut Rng,
    original: Option<String>,
) -> String {
    match noise {
        Noise::CheckIn => {
            let created = world
                .circles
                .get(usize::from(at.circle))
                .map_or(meta.time_ms, |c| c.create_ms);
            // A running count per member: one more every day.
            let offset = hash(&[world.seed, 0xDA7, u64::from(meta.author)]) % 90;
            let day = 1 + ((meta.time_ms - created) / DAY_MS + offset as i64).rem_euclid(180);
            let (before, after) = rng.pick(CHECKIN_FORMATS);
            format!("{before}{day}{after}{}", rng.pick(CHECKIN_NOTES))
        }
        Noise::Thanks => (*rng.pick(THANKS)).to_owned(),
        Noise::LinkOnly => {
            let (href, title) = if rng.percent(50) {
                rng.pick(theme.links)
            } else {
                rng.pick(SHARED_LINKS)
            };
            let (before, after) = rng.pick(LINK_WORDS);
            let nodes: Vec<Node> = [
                (!before.is_empty()).then(|| Node::Text((*before).to_owned())),
                Some(Node::Link {
                    href: (*href).to_owned(),
                    title: (*title).to_owned(),
                }),
                (!after.is_empty()).then(|| Node::Text((*after).to_owned())),
            ]
            .into_iter()
            .flatten()
            .collect();
            to_zsxq(&nodes)
        }
        Noise::NearDuplicate(_) => {
            let (before, after) = rng.pick(DUPLICATE_EDITS);
            let original = original.unwrap_or_else(|| (*rng.pick(THANKS)).to_owned());
            format!("{before}{original}{after}")
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use zsxq::rich_text::parse;

    use super::*;
    use crate::config::{Dataset, SimConfig};

    fn world(dataset: Dataset) -> World {
        crate::dataset::build(&SimConfig {
            dataset,
            ..SimConfig::default()
        })
        .expect("a dataset")
    }

    /// Every topic of the world with its noise.
    fn noise(world: &World) -> Vec<(TopicRef, TopicMeta, Option<Noise>)> {
        let mut out = Vec::new();
        for (c, circle) in world.circles.iter().enumerate() {
            for (o, meta) in circle.topics.iter().enumerate() {
                let at = TopicRef {
                    circle: c as u16,
                    ordinal: o as u32,
                };
                out.push((at, *meta, of(at, meta)));
            }
        }
        out
    }

    /// What a noise text must look like: the checks the busy day's tests make over HTTP.
    fn assert_looks_like(world: &World, at: TopicRef, meta: &TopicMeta, noise: Noise) {
        let text = crate::content::derive(world, at, meta).text;
        match noise {
            Noise::CheckIn => {
                assert!(text.contains("打卡") || text.contains("Day"), "{text}");
                assert!(text.chars().count() >= 20, "meets min_words_count: {text}");
                assert!(crate::dataset::checkins::of(world, at, meta).is_some());
            }
            Noise::Thanks => assert!(THANKS.contains(&text.as_str()), "{text}"),
            Noise::LinkOnly => {
                let nodes = parse(&text);
                let links = nodes
                    .iter()
                    .filter(|n| matches!(n, Node::Link { .. }))
                    .count();
                let words: String = nodes
                    .iter()
                    .filter_map(|n| match n {
                        Node::Text(t) => Some(t.as_str()),
                        _ => None,
                    })
                    .collect();
                assert_eq!(links, 1, "{text}");
                assert!(
                    ["", "转发", "转发：", "mark"].contains(&words.trim()),
                    "{text}"
                );
            }
            Noise::NearDuplicate(ordinal) => {
                let source = TopicRef {
                    circle: at.circle,
                    ordinal,
                };
                let original = world.meta(source).expect("an original");
                assert_eq!(original.author, meta.author);
                assert!(ordinary(
                    &world.circles[usize::from(at.circle)],
                    meta.author
                ));
                assert!(meta.time_ms - original.time_ms <= DAY_MS);
                assert!(of(source, original).is_none(), "the original is real");
                let before = crate::content::derive(world, source, original).text;
                assert!(
                    text.contains(&before) && text != before,
                    "{text} / {before}"
                );
                assert!(text.chars().count() <= before.chars().count() + 20);
            }
        }
    }

    #[test]
    fn generated_and_demo_circles_carry_a_share_of_every_kind_of_noise() {
        for (dataset, low, high) in [
            (Dataset::Demo, 10, 25),
            (Dataset::Generated(30_000), 10, 25),
        ] {
            let world = world(dataset.clone());
            let all = noise(&world);
            let mut kinds: BTreeMap<NoiseKind, usize> = BTreeMap::new();
            for (at, meta, noise) in &all {
                let Some(noise) = noise else { continue };
                *kinds.entry(noise.kind()).or_default() += 1;
                let circle = &world.circles[usize::from(at.circle)];
                assert!(ordinary(circle, meta.author), "{dataset}: {at:?}");
                assert!(!meta.has(flag::DIGESTED), "noise is no digest");
                assert_looks_like(&world, *at, meta, *noise);
            }
            let share = kinds.values().sum::<usize>() * 100 / all.len();
            assert!((low..=high).contains(&share), "{dataset}: {share}% noise");
            assert_eq!(kinds.len(), 4, "{dataset}: {kinds:?}");
        }
    }

    #[test]
    fn only_ordinary_members_talks_are_noise_and_the_same_seed_makes_the_same() {
        let first = world(Dataset::Generated(6_000));
        for (at, meta, noise) in noise(&first) {
            let circle = &first.circles[usize::from(at.circle)];
            if meta.kind != Kind::Talk || !ordinary(circle, meta.author) {
                assert!(noise.is_none(), "{at:?}");
            }
        }
        let again = world(Dataset::Generated(6_000));
        assert_eq!(
            noise(&first).iter().map(|n| n.2).collect::<Vec<_>>(),
            noise(&again).iter().map(|n| n.2).collect::<Vec<_>>()
        );
    }
}
