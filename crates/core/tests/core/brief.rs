//! The brief against the simulator's truth (issue 21): after a busy day in five circles, what the
//! simulator says must be seen — my questions answered, questions for me, 精华, the owners' and
//! guests' posts — is ranked and never noise, what it made as noise is in the noise, and follows
//! and mutes take effect on the next ranking. The ranking's rules are unit-tested in
//! `orrery_core::brief`; here they meet a synced archive.

#![allow(clippy::unwrap_used)] // Test code: a panic is the report.

use std::collections::{HashMap, HashSet};

use orrery_core::brief::{Brief, Noise, Reason};
use orrery_core::reader;
use orrery_core::store::{Mark, Store};
use orrery_core::sync::{CancellationToken, Depth, SyncEngine, SyncOptions};
use orrery_ipc::commands::{BriefMarkDto, StanceDto};
use orrery_testkit::{client, open_store, sim};
use zsxq::{GroupId, UserId};
use zsxq_sim::{BusyDay, BusyDayTruth, Dataset, NoiseKind, SimHandle};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn now_ms() -> i64 {
    orrery_core::now_ms()
}

/// An archive of `topics` in `circles` circles, synced, with its inbox derived and everything
/// read; then a busy day of `busy` topics, synced. Returns the store, the day's truth and me.
async fn after_a_busy_day(
    sim: &SimHandle,
    dir: &std::path::Path,
    busy: usize,
) -> (Store, BusyDayTruth, UserId) {
    let store = open_store(dir).await;
    let engine = SyncEngine::new(store.clone(), client(sim), SyncOptions::default());
    let cancel = CancellationToken::new();
    engine.run_with(&cancel, Depth::Full).await.unwrap();
    let me = client(sim)
        .self_user()
        .await
        .unwrap()
        .data
        .user
        .id()
        .unwrap();
    // The inbox has known these circles for a while: what the day brings is news, not the
    // backlog of a first sync (the simulator's day ends now, so it began before this moment).
    store
        .derive_inbox(me, &[], now_ms() - 2 * DAY_MS)
        .await
        .unwrap();
    for circle in store.circles().await.unwrap() {
        store
            .mark_circle_read(circle.group_id, false)
            .await
            .unwrap();
    }
    store.mark_inbox_read(None, now_ms()).await.unwrap();
    let truth = sim.busy_day(BusyDay {
        circles: 5,
        topics: busy,
    });
    engine.run_with(&cancel, Depth::Full).await.unwrap();
    store.derive_inbox(me, &[], now_ms()).await.unwrap();
    (store, truth, me)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_busy_day_what_must_be_seen_ranks_above_the_noise() {
    let sim = sim(Dataset::GeneratedCircles {
        topics: 1_500,
        circles: 5,
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (store, truth, _) = after_a_busy_day(&sim, dir.path(), 500).await;
    assert!(truth.topic_ids().len() >= 500, "{truth:?}");
    assert!(!truth.answers_to_me.is_empty() && !truth.digests.is_empty());
    assert!(!truth.owner_posts.is_empty() && !truth.noise.is_empty());

    let brief = Brief::build(&store, now_ms() - DAY_MS - 60_000)
        .await
        .unwrap();
    let ranked: HashMap<i64, usize> = brief
        .items
        .iter()
        .enumerate()
        .map(|(at, item)| (item.topic_id, at))
        .collect();
    let noise: HashMap<i64, Noise> = brief
        .noise
        .iter()
        .map(|item| (item.topic_id, item.noise.unwrap()))
        .collect();
    let day: HashSet<i64> = truth.topic_ids().into_iter().collect();
    for topic in &day {
        assert!(
            ranked.contains_key(topic) || noise.contains_key(topic),
            "{topic} of the day is not in the brief"
        );
    }

    // Items show their first cached images (a strip), at most four, the topic's own.
    let with_images: Vec<_> = brief
        .items
        .iter()
        .filter(|i| !i.images.is_empty())
        .collect();
    assert!(!with_images.is_empty());
    for item in with_images {
        assert!(item.images.len() <= 4);
        let cached = store
            .cached_images_of(zsxq::TopicId::new(item.topic_id))
            .await
            .unwrap();
        assert!(
            item.images
                .iter()
                .all(|i| cached.contains(&zsxq::ImageId::new(*i))),
            "{item:?}"
        );
    }

    // Every must-see item is ranked, none is noise; answers to my questions come first.
    for topic in truth.must_see() {
        assert!(ranked.contains_key(&topic), "must-see {topic} is noise");
    }
    let answers: HashSet<i64> = truth.answers_to_me.iter().copied().collect();
    let first: HashSet<i64> = brief
        .items
        .iter()
        .take(answers.len())
        .map(|i| i.topic_id)
        .collect();
    assert_eq!(first, answers, "my answered questions on top");
    // Each must-see item outranks every item of the day that is neither must-see nor the
    // owner's answer to someone else (members' talk).
    let must_see: HashSet<i64> = truth.must_see().into_iter().collect();
    let lowest_must_see = truth.must_see().iter().map(|t| ranked[t]).max().unwrap();
    // Members' posts above the lowest must-see item: only those that concern me (a reply or an
    // @mention of me under them), which come first by design, or that carry a must-see signal
    // themselves (a guest's question); never ordinary talk, however popular.
    let others_above: Vec<&orrery_core::brief::BriefItem> = truth
        .other
        .iter()
        .filter(|t| ranked.get(t).is_some_and(|&at| at < lowest_must_see))
        .map(|t| &brief.items[ranked[t]])
        .collect();
    assert!(
        others_above
            .iter()
            .all(|i| i.reasons.iter().any(|r| matches!(
                r,
                Reason::Mine { .. } | Reason::Digest | Reason::ByOwner | Reason::ByGuest
            ))),
        "{others_above:#?}"
    );
    assert!(must_see.iter().all(|t| !noise.contains_key(t)));

    // What the simulator made as noise is noise, by its kind.
    for (kind, expected) in [
        (NoiseKind::CheckIn, Noise::CheckIn),
        (NoiseKind::Thanks, Noise::Thanks),
        (NoiseKind::LinkOnly, Noise::LinkOnly),
        (NoiseKind::NearDuplicate, Noise::NearDuplicate),
    ] {
        let made = truth.noise_of(kind);
        let caught = made
            .iter()
            .filter(|t| noise.get(t) == Some(&expected))
            .count();
        assert_eq!(caught, made.len(), "{kind:?}: {caught} of {}", made.len());
    }
    // And nothing of the day that the simulator calls signal or talk is taken for noise.
    let false_noise: Vec<_> = noise
        .keys()
        .filter(|t| day.contains(t) && !truth.noise_ids().contains(t))
        .collect();
    assert!(false_noise.is_empty(), "taken for noise: {false_noise:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follows_and_mutes_take_effect_on_the_next_ranking() {
    let sim = sim(Dataset::GeneratedCircles {
        topics: 600,
        circles: 5,
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (store, truth, _) = after_a_busy_day(&sim, dir.path(), 200).await;
    let since = now_ms() - DAY_MS - 60_000;
    let brief = Brief::build(&store, since).await.unwrap();
    // A member's ordinary post low in the list, and its author.
    let talk = brief
        .items
        .iter()
        .rev()
        .find(|i| {
            i.reasons.is_empty() && i.author_id.is_some() && truth.other.contains(&i.topic_id)
        })
        .unwrap()
        .clone();
    let author = talk.author_id.unwrap();
    let position = |b: &Brief, topic| b.items.iter().position(|i| i.topic_id == topic);
    let before = position(&brief, talk.topic_id).unwrap();

    store
        .set_brief_mark(&Mark::Author(author), Some(true), now_ms())
        .await
        .unwrap();
    let followed = Brief::build(&store, since).await.unwrap();
    assert!(position(&followed, talk.topic_id).unwrap() < before);
    assert_eq!(
        author_stance(&store, talk.topic_id).await,
        StanceDto::Follow
    );

    store
        .set_brief_mark(&Mark::Author(author), Some(false), now_ms())
        .await
        .unwrap();
    let muted = Brief::build(&store, since).await.unwrap();
    assert_eq!(position(&muted, talk.topic_id), None);
    assert_eq!(author_stance(&store, talk.topic_id).await, StanceDto::Mute);
    assert!(
        muted
            .noise
            .iter()
            .any(|i| i.topic_id == talk.topic_id && i.noise == Some(Noise::MutedAuthor))
    );
    // Only that author's posts left the ranking.
    let left: Vec<_> = brief
        .items
        .iter()
        .filter(|i| position(&muted, i.topic_id).is_none())
        .collect();
    assert!(
        left.iter().all(|i| i.author_id == Some(author)),
        "{left:#?}"
    );

    store
        .set_brief_mark(&Mark::Author(author), None, now_ms())
        .await
        .unwrap();
    let cleared = Brief::build(&store, since).await.unwrap();
    assert_eq!(position(&cleared, talk.topic_id), Some(before));
    assert_eq!(author_stance(&store, talk.topic_id).await, StanceDto::None);

    // A followed hashtag lifts its posts, and the reader shows it followed on each of them.
    let tagged = brief
        .items
        .iter()
        .rev()
        .find(|i| i.reasons.is_empty() && !i.hashtags.is_empty())
        .unwrap()
        .clone();
    let tag = tagged.hashtags[0].clone();
    let before = position(&brief, tagged.topic_id).unwrap();
    store
        .set_brief_mark(&Mark::Tag(tag.clone()), Some(true), now_ms())
        .await
        .unwrap();
    let lifted = Brief::build(&store, since).await.unwrap();
    assert!(position(&lifted, tagged.topic_id).unwrap() < before);
    let marks = opened(&store, tagged.topic_id).await.brief_marks;
    let followed_tag = marks
        .iter()
        .find(|m| m.mark == BriefMarkDto::Tag { name: tag.clone() })
        .unwrap();
    assert_eq!(followed_tag.stance, StanceDto::Follow);
}

/// The topic as the reader opens it, left unread afterwards (opening reads it, and the brief
/// holds only what is unread).
async fn opened(store: &Store, topic: i64) -> orrery_ipc::commands::TopicDto {
    let id = zsxq::TopicId::new(topic);
    let dto = reader::open_topic(store, id, now_ms())
        .await
        .unwrap()
        .unwrap();
    store.mark_topics_unread(&[id], now_ms()).await.unwrap();
    dto
}

/// How the reader shows the topic's author: followed, muted or neither. The author comes
/// first among the reader's marks, by name.
async fn author_stance(store: &Store, topic: i64) -> StanceDto {
    let topic = opened(store, topic).await;
    let author = &topic.brief_marks[0];
    assert!(matches!(author.mark, BriefMarkDto::Author { .. }));
    assert_eq!(Some(&author.name), topic.row.author.as_ref());
    author.stance
}

/// `cargo xtask bench brief`: on a busy day, what the first screen of the brief holds against
/// the raw timelines, and the time to build the brief on a large archive against the time to
/// load every circle's first timeline page (what the window shows without it). Measures and
/// prints; judges nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: `cargo xtask bench brief` runs it"]
#[allow(clippy::print_stdout)] // The report is the benchmark's output.
async fn brief_benchmark() {
    use orrery_ipc::commands::{TabDto, TimelineArgs};
    use orrery_ipc::id::CircleId;

    let topics = super::bench_topics(100_000);
    let sim = sim(Dataset::GeneratedCircles { topics, circles: 5 }).await;
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let (store, truth, _) = after_a_busy_day(&sim, dir.path(), 500).await;
    println!(
        "archive: {} topics in 5 circles synced, plus a busy day of {} ({:.0} s)",
        topics,
        truth.topic_ids().len(),
        started.elapsed().as_secs_f64()
    );
    let since = now_ms() - DAY_MS - 60_000;

    // The first screen: 20 items.
    let brief = Brief::build(&store, since).await.unwrap();
    let screen = &brief.items[..brief.items.len().min(20)];
    let must_see: HashSet<i64> = truth.must_see().into_iter().collect();
    let on_screen = screen
        .iter()
        .filter(|i| must_see.contains(&i.topic_id))
        .count();
    let chars = |s: &str| s.chars().count();
    let shown: usize = screen
        .iter()
        .map(|i| {
            i.title.as_deref().map_or(0, chars)
                + i.extract.iter().map(|l| chars(l)).sum::<usize>()
                + chars(&i.why(orrery_ipc::words::Lang::ZhCn))
        })
        .sum();
    let raw: usize = store
        .brief_topics(since, 100_000)
        .await
        .unwrap()
        .iter()
        .map(|t| chars(&t.candidate.text))
        .sum();
    println!(
        "busy day: {} unread, brief {} ranked + {} noise; first screen of {} holds {} of {} must-see ({} answers to me, {} questions for me, {} digests, {} owner posts)",
        truth.topic_ids().len(),
        brief.items.len(),
        brief.noise.len(),
        screen.len(),
        on_screen,
        must_see.len(),
        truth.answers_to_me.len(),
        truth.questions_for_me.len(),
        truth.digests.len(),
        truth.owner_posts.len(),
    );
    let in_top = |n: usize| {
        brief
            .items
            .iter()
            .take(n)
            .filter(|i| must_see.contains(&i.topic_id))
            .count()
    };
    println!(
        "must-see within the first 20 / 50 / {} items: {} / {} / {}",
        must_see.len(),
        in_top(20),
        in_top(50),
        in_top(must_see.len())
    );
    println!(
        "characters: first screen {shown}, raw text of every unread topic {raw} ({:.1} %)",
        100.0 * shown as f64 / raw.max(1) as f64
    );

    // Time: the brief, against every circle's first timeline page.
    let circles: Vec<GroupId> = store
        .circles()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.group_id)
        .collect();
    let mut brief_ms = Vec::new();
    let mut pages_ms = Vec::new();
    for _ in 0..20 {
        let t = std::time::Instant::now();
        let _ = Brief::build(&store, since).await.unwrap();
        brief_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = std::time::Instant::now();
        for &group in &circles {
            let args = TimelineArgs {
                circle: CircleId::new(group.get()),
                tab: TabDto::Latest,
                hashtag: None,
                column: None,
                after: None,
                limit: 50,
                hide_deleted: false,
            };
            let _ = reader::timeline(&store, &args).await.unwrap();
        }
        pages_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "build, median of 20: brief {:.1} ms; the {} circles' first timeline pages of 50 {:.1} ms",
        median(&mut brief_ms),
        circles.len(),
        median(&mut pages_ms)
    );
}
