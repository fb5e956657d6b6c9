//! Seeded generation of circles and their timelines, shared by `demo` and `generated:N` (which
//! differ only in how many topics each circle gets) and reused by `jsonl:` for everything a line
//! leaves out.

use std::collections::{HashMap, HashSet};

use super::corpus::{
    GIVEN_NAMES, LOCATIONS, MEMBER_DESCRIPTIONS, NICKNAME_SUFFIXES, SELF_DESCRIPTION,
    SELF_LOCATION, SELF_NAME, SURNAMES, THEMES,
};
use crate::engagement;
use crate::rng::{Rng, hash, tag};
use crate::world::{
    Circle, ColumnRec, HashtagRec, Kind, MenuRec, NONE, SELF_USER, TopicMeta, TopicRef, Totals,
    World, flag,
};

/// By default the newest generated topic is just before 2025-12-10T16:00:00.000+0800, so the
/// same seed gives the same data on every day.
pub(crate) const ANCHOR_MS: i64 = 1_765_353_600_000;
/// Generated timelines cover the 420 days before the anchor.
const SPAN_MS: i64 = 420 * DAY_MS;
const DAY_MS: i64 = 86_400_000;

/// A world with only the signed-in user in it.
pub(crate) fn new_world(seed: u64, anchor_ms: i64) -> World {
    let mut world = World {
        seed,
        anchor_ms,
        users: Vec::new(),
        user_index: HashMap::new(),
        circles: Vec::new(),
        explicit_ids: HashMap::new(),
        stored: HashMap::new(),
        answers: HashMap::new(),
        posted: HashMap::new(),
        mobile_only_files: HashSet::new(),
        media_query: String::new(),
        activity_events: 0,
        history: crate::history::History::default(),
        same_millisecond_runs: false,
    };
    world.add_user(
        SELF_NAME.to_owned(),
        Some(SELF_DESCRIPTION.to_owned()),
        Some(SELF_LOCATION.to_owned()),
    );
    world
}

fn id_in(rng: &mut Rng, low: i64, span: i64) -> i64 {
    low + (rng.next_u64() % span as u64) as i64
}

/// Adds a circle in the voice of `theme`, with its owner, members, hashtags, columns and
/// menus, but no topics yet.
pub(crate) fn add_circle(
    world: &mut World,
    theme: usize,
    name: Option<String>,
    group_id: Option<i64>,
    expected_topics: u64,
) -> usize {
    let c = world.circles.len();
    let spec = &THEMES[theme % THEMES.len()];
    let mut rng = Rng::keyed(&[world.seed, tag::CIRCLE, c as u64]);
    let group_id =
        group_id.unwrap_or_else(|| id_in(&mut rng, 10_000_000_000_000, 80_000_000_000_000));
    let owner = match spec.owner {
        Some((name, description, location)) => world.add_user(
            name.to_owned(),
            Some(description.to_owned()),
            Some(location.to_owned()),
        ),
        None => SELF_USER,
    };
    let mut members = vec![owner];
    if owner != SELF_USER {
        members.push(SELF_USER);
    }
    for _ in 0..(expected_topics / 6).clamp(24, 300) {
        let name = format!(
            "{}{}{}",
            rng.pick(SURNAMES),
            rng.pick(GIVEN_NAMES),
            rng.pick(NICKNAME_SUFFIXES)
        );
        let description = rng
            .percent(40)
            .then(|| (*rng.pick(MEMBER_DESCRIPTIONS)).to_owned());
        let location = rng.percent(80).then(|| (*rng.pick(LOCATIONS)).to_owned());
        members.push(world.add_user(name, description, location));
    }
    let mut guests: Vec<u32> = members.iter().skip(2).step_by(7).take(4).copied().collect();
    // The signed-in user is a guest (嘉宾) of the second circle, so questions reach them outside
    // the circle they own too (`/v2/users/self/topics/answers`).
    if c == 1 && owner != SELF_USER {
        guests.push(SELF_USER);
    }
    // Two partners (合伙人) from the members who are not guests.
    let partners = members
        .iter()
        .skip(3)
        .filter(|m| !guests.contains(m))
        .step_by(5)
        .take(2)
        .copied()
        .collect();
    let create_ms = world.anchor_ms - SPAN_MS - rng.range(10, 60) as i64 * DAY_MS;

    let hashtags = spec
        .hashtags
        .iter()
        .enumerate()
        .map(|(i, name)| HashtagRec {
            id: id_in(&mut rng, 10_000_000_000_000, 80_000_000_000_000),
            name: (*name).to_owned(),
            topics_count: 0,
            privileged: i == 0,
            on_timeline: i < 5,
        })
        .collect::<Vec<_>>();
    let columns = spec
        .columns
        .iter()
        .map(|name| ColumnRec {
            id: id_in(&mut rng, 100_000_000_000, 800_000_000_000),
            name: (*name).to_owned(),
            create_ms: create_ms + rng.range(1, 30) as i64 * DAY_MS,
            topics: Vec::new(),
        })
        .collect();
    let mut menus = Vec::new();
    for (title, preset) in [
        ("精华", "digests"),
        ("最新", "all"),
        ("只看星主", "by_owner"),
    ] {
        menus.push(MenuRec {
            id: id_in(&mut rng, 10_000_000_000_000, 80_000_000_000_000),
            title: title.to_owned(),
            preset: Some(preset),
            hashtag: None,
        });
    }
    for (i, tag) in hashtags.iter().enumerate().filter(|(_, t)| t.on_timeline) {
        menus.push(MenuRec {
            id: tag.id,
            title: format!("#{}#", tag.name),
            preset: None,
            hashtag: Some(i),
        });
    }

    world.circles.push(Circle {
        group_id,
        name: name.unwrap_or_else(|| spec.name.to_owned()),
        description: spec.description.to_owned(),
        kind: spec.kind,
        theme: theme % THEMES.len(),
        owner,
        members,
        guests,
        partners,
        create_ms,
        hashtags,
        columns,
        menus,
        read_times: Vec::new(),
        topics: Vec::new(),
        totals: Totals::default(),
    });
    c
}

/// Generates `n` topics for circle `c`, oldest first, ending near the world's anchor. With
/// `same_millisecond_runs`, about one topic in 25 shares its millisecond with the one before,
/// so clusters of equal `create_time` occur throughout (and straddle page boundaries).
pub(crate) fn fill_timeline(world: &mut World, c: usize, n: u64) {
    let mut rng = Rng::keyed(&[world.seed, tag::TIMELINE, c as u64]);
    let mean_step = (SPAN_MS / n.max(1) as i64).max(2) as u64;
    let mut time = world.anchor_ms - SPAN_MS;
    let mut last_task = None;
    if let Some(circle) = world.circles.get_mut(c) {
        // Exactly n: a million topics should cost 32 MB, not the 64 MB of a doubled Vec.
        circle.topics.reserve_exact(usize::try_from(n).unwrap_or(0));
    }
    for j in 0..n {
        if j == 0 || !rng.percent(4) {
            time += rng.range(1, 2 * mean_step - 1) as i64;
        } else if !world.same_millisecond_runs {
            // Without the stress, one millisecond later: no draw, so the rest of the dataset
            // (types, counts, comments) is the same either way.
            time += 1;
        }
        let meta = new_topic_meta(world, c, &mut rng, time, j == 0, last_task, false);
        let at = world.push_topic(c, meta);
        if world.meta(at).is_some_and(|m| m.kind == Kind::Task) {
            last_task = Some(at.ordinal);
        }
    }
}

/// Draws the metadata of the next topic of circle `c`: its type, author, flags, noise
/// ([`crate::noise::assign`], unless `given_text`: a `jsonl:` line's text is what it is) and
/// engagement ([`crate::engagement`]). The first topic of a generated circle is the owner's
/// pinned welcome post.
pub(crate) fn new_topic_meta(
    world: &World,
    c: usize,
    rng: &mut Rng,
    time_ms: i64,
    welcome: bool,
    last_task: Option<u32>,
    given_text: bool,
) -> TopicMeta {
    let Some(circle) = world.circles.get(c) else {
        return blank(time_ms, SELF_USER);
    };
    let owner = circle.owner;
    let self_owned = owner == SELF_USER;
    let others = circle.members.get(1..).filter(|m| !m.is_empty());
    let member = |rng: &mut Rng| others.map_or(owner, |m| *rng.pick(m));
    let mut meta = blank(time_ms, owner);
    if welcome {
        meta.flags = flag::STICKY | flag::DIGESTED;
        meta.likes = rng.range(30, 90) as u32;
        meta.derived_comments = rng.range(5, 12) as u16;
        return meta;
    }
    let r = rng.below(100);
    meta.kind = match r {
        0..68 => Kind::Talk,
        68..84 => Kind::Question,
        84..87 => Kind::Task,
        _ if last_task.is_some() => Kind::Solution,
        _ => Kind::Talk,
    };
    let hashtags = circle.hashtags.len() as u64;
    let columns = circle.columns.len() as u64;
    match meta.kind {
        Kind::Talk => {
            let who = rng.below(100);
            meta.author = match who {
                0..22 => owner,
                22..26 => SELF_USER,
                _ => member(rng),
            };
            if rng.percent(55) && hashtags > 0 {
                meta.hashtag = rng.below(hashtags) as u8;
            }
            if meta.author == owner && rng.percent(30) && columns > 0 {
                meta.column = rng.below(columns) as u8;
            }
            let digest_odds = if meta.author == owner { 15 } else { 4 };
            if rng.percent(digest_odds) {
                meta.flags |= flag::DIGESTED;
            }
        }
        Kind::Question => {
            meta.author = if !self_owned && rng.percent(14) {
                SELF_USER
            } else {
                member(rng)
            };
            if rng.percent(15) {
                meta.flags |= flag::ANONYMOUS;
            }
            if rng.percent(if self_owned { 55 } else { 72 }) {
                meta.flags |= flag::ANSWERED;
                if rng.percent(10) {
                    meta.flags |= flag::SILENCED;
                }
            }
            if rng.percent(3) {
                meta.flags |= flag::DIGESTED;
            }
            // About one question in four goes to a guest rather than the owner. Drawn from a
            // hash, not `rng`, so adding guests left every other draw of the dataset as it was.
            let pick = hash(&[world.seed, 0x9E57, c as u64, time_ms as u64]);
            if pick.is_multiple_of(4) && !circle.guests.is_empty() {
                let guest = circle.guests[(pick / 4) as usize % circle.guests.len()];
                if guest != meta.author {
                    meta.aux = guest + 1;
                }
            }
        }
        Kind::Task => {
            if rng.percent(30) {
                meta.flags |= flag::DIGESTED;
            }
        }
        Kind::Solution => {
            meta.author = if rng.percent(10) {
                SELF_USER
            } else {
                member(rng)
            };
            meta.aux = last_task.unwrap_or(0);
        }
    }
    let draws = engagement::Draws::take(rng);
    // Noise and engagement come from hashes and the draws just taken, so the stream that
    // follows is the same whatever they make of this topic.
    let ordinal = circle.topics.len() as u32;
    if !given_text {
        crate::noise::assign(world, c, ordinal, &mut meta);
    }
    let at = TopicRef {
        circle: c as u16,
        ordinal,
    };
    let standing = engagement::standing(circle, at, &meta);
    meta.likes = draws.likes(standing);
    meta.derived_comments = draws.comments(standing);
    meta
}

pub(super) fn blank(time_ms: i64, author: u32) -> TopicMeta {
    TopicMeta {
        time_ms,
        author,
        aux: 0,
        likes: 0,
        derived_comments: 0,
        kind: Kind::Talk,
        flags: 0,
        hashtag: NONE,
        column: NONE,
    }
}

/// Puts every tab's read marker a little before the newest topics, so that there is something
/// unread in every circle.
pub(crate) fn set_read_markers(world: &mut World, c: usize) {
    let seed = world.seed;
    let Some(circle) = world.circles.get_mut(c) else {
        return;
    };
    let mut rng = Rng::keyed(&[seed, tag::CIRCLE, c as u64, 0x4EAD]);
    let behind = rng.range(3, 25) as usize;
    let read = circle
        .topics
        .len()
        .checked_sub(behind + 1)
        .and_then(|i| circle.topics.get(i))
        .map_or(ANCHOR_MS - DAY_MS, |m| m.time_ms);
    circle.read_times = circle.menus.iter().map(|m| (m.id, read)).collect();
}
