//! How long mirroring takes: the circles' sizes as the service tells them, the estimate of a
//! paced first sync against the time it really takes, and the schedule's pause and restart.

#![allow(clippy::unwrap_used)] // Test code: a panic is the report.

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use orrery_core::reader::mirror_plan;
use orrery_core::store::{Mirror, Store};
use orrery_core::sync::estimate::Pace;
use orrery_core::sync::{CancellationToken, SyncEngine, SyncOptions};
use orrery_ipc::commands::{MirrorDto, SyncStateDto};
use orrery_testkit::temp_store;
use zsxq::GroupId;
use zsxq::client::{ClientConfig, Pacing};
use zsxq_sim::{Dataset, SimHandle};

use crate::reader::until;

const DETAIL: &str = "GET /v2/groups/{group_id}";

fn groups(sim: &SimHandle) -> Vec<(GroupId, u64)> {
    sim.truth()
        .circles
        .iter()
        .map(|c| (GroupId::new(c.group_id.parse().unwrap()), c.topics))
        .collect()
}

/// The polite pacing scaled down about thirty times: the same shape (spacing, jitter, a long
/// pause every 50 requests), the spacing still longer than the work a page costs a debug
/// build, as the real spacing is.
fn scaled_pacing() -> Pacing {
    Pacing {
        interval: Duration::from_millis(100),
        jitter: Duration::from_millis(40),
        long_pause_every: NonZeroU32::new(50),
        long_pause_min: Duration::from_millis(1000),
        long_pause_max: Duration::from_millis(2000),
        refusals_before_rest: None,
        refusal_rest: Duration::ZERO,
    }
}

fn engine(store: &Store, sim: &SimHandle, pacing: Pacing) -> SyncEngine {
    let config = ClientConfig {
        pacing,
        ..ClientConfig::with_base_url(sim.base_url())
    };
    let client = orrery_testkit::client_as(config, sim.token());
    SyncEngine::new(store.clone(), client, SyncOptions::default())
}

/// A full run asks each circle's size once (the service's own count, which the estimates
/// start from); the next runs of the week do not ask again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sizes_are_asked_once_a_week() {
    let sim = orrery_testkit::sim(Dataset::Generated(300)).await;
    let (_dir, store) = temp_store().await;
    let engine = engine(&store, &sim, Pacing::none());
    engine.run_once(&CancellationToken::new()).await.unwrap();
    let truth = groups(&sim);
    assert_eq!(sim.requests().route(DETAIL), truth.len() as u64);
    let sizes = store.circle_sizes().await.unwrap();
    for (group, topics) in &truth {
        let size = sizes[group];
        assert_eq!(size.topics, Some(*topics), "{group}");
        assert!(size.created_ms.is_some());
    }
    engine.run_once(&CancellationToken::new()).await.unwrap();
    assert_eq!(sim.requests().route(DETAIL), truth.len() as u64);
}

/// Each estimate the status carries while a paced first sync runs is within a fifth of the
/// time the sync then really takes, from the first tenth of the run to most of its end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_estimate_of_a_paced_first_sync_comes_true_within_a_fifth() {
    let sim = orrery_testkit::sim(Dataset::Generated(240)).await;
    let (_dir, store) = temp_store().await;
    let schedule = engine(&store, &sim, scaled_pacing()).schedule(Duration::from_secs(3600), false);
    let mut status = schedule.status();
    let start = Instant::now();
    // When each estimate was made, and what it said.
    let mut estimates: Vec<(Duration, Duration)> = Vec::new();
    loop {
        tokio::time::timeout(Duration::from_secs(180), status.changed())
            .await
            .expect("the sync moves")
            .unwrap();
        let s = status.borrow_and_update().clone();
        if s.state == SyncStateDto::CaughtUp {
            break;
        }
        let Some(ms) = s.remaining_ms.filter(|_| s.state == SyncStateDto::Syncing) else {
            continue;
        };
        let estimate = Duration::from_millis(ms);
        if estimates.last().is_none_or(|(_, last)| *last != estimate) {
            estimates.push((start.elapsed(), estimate));
        }
    }
    let total = start.elapsed();
    let after = status.borrow().clone();
    assert_eq!(after.remaining_ms, Some(0), "nothing is left: {after:?}");
    assert!(after.backlog.is_empty());
    let judged: Vec<_> = estimates
        .iter()
        .filter(|(at, _)| *at >= total / 10 && *at <= total * 7 / 10)
        .collect();
    assert!(judged.len() >= 3, "{estimates:?} in {total:?}");
    for (at, estimate) in judged {
        let real = total - *at;
        let off = estimate.as_secs_f64() / real.as_secs_f64() - 1.0;
        assert!(
            off.abs() <= 0.2,
            "at {at:?} of {total:?} the estimate said {estimate:?} left, it took {real:?} \
             ({:+.0} %); estimates {estimates:?}",
            off * 100.0
        );
    }
    schedule.shutdown();
}

/// A paused schedule sends nothing and says so; resumed, it syncs at once. A changed choice of
/// what to mirror restarts the run in progress without the circle left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pausing_holds_every_request_and_changed_choices_restart_the_run() {
    let sim = orrery_testkit::sim(Dataset::Generated(600)).await;
    let (_dir, store) = temp_store().await;
    let slow = Pacing {
        interval: Duration::from_millis(20),
        ..Pacing::none()
    };
    let schedule = engine(&store, &sim, slow).schedule(Duration::from_secs(3600), true);
    let mut status = schedule.status();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sim.requests().total, 0, "nothing is sent while paused");
    assert!(status.borrow().paused);

    schedule.set_paused(false);
    let running = until(&mut status, |s| {
        !s.paused && s.state == SyncStateDto::Syncing && s.pages > 0
    })
    .await;
    assert_eq!(running.circles_total, 3);
    let (left_out, _) = groups(&sim)[0];
    assert!(store.set_mirror(left_out, Mirror::Nothing).await.unwrap());
    schedule.choices_changed();
    let restarted = until(&mut status, |s| {
        s.state == SyncStateDto::Syncing && s.circles_total == 2
    })
    .await;
    assert!(
        restarted
            .backlog
            .iter()
            .all(|c| c.circle.get() != left_out.get())
    );

    schedule.set_paused(true);
    let paused = until(&mut status, |s| {
        s.paused && s.state != SyncStateDto::Syncing
    })
    .await;
    assert_eq!(paused.state, SyncStateDto::Idle);
    let sent = sim.requests().total;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sim.requests().total, sent, "nothing more while paused");
    schedule.shutdown();
}

/// The plan names each circle's size as the service told it and what each choice costs: all
/// of a circle costs more than its last month, nothing costs nothing, and what is archived
/// costs no more than its follow-ups.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_prices_every_choice_from_the_sizes() {
    let sim = orrery_testkit::sim(Dataset::Generated(600)).await;
    let (_dir, store) = temp_store().await;
    let truth = groups(&sim);
    let (skipped, synced) = (truth[0].0, truth[1].0);
    let groups_list = orrery_testkit::client(&sim).groups().await.unwrap().data;
    store.upsert_circles(&groups_list.groups).await.unwrap();
    store.set_mirror(skipped, Mirror::Nothing).await.unwrap();
    store.set_mirror(truth[2].0, Mirror::Nothing).await.unwrap();
    engine(&store, &sim, Pacing::none())
        .run_once(&CancellationToken::new())
        .await
        .unwrap();

    let pace = Pace::prior(&Pacing::default(), true);
    let plan = mirror_plan(&store, pace, true, orrery_core::now_ms())
        .await
        .unwrap();
    assert_eq!(plan.request_ms, 4300);
    assert_eq!(plan.circles.len(), 3);
    let plan_of = |group: GroupId| {
        plan.circles
            .iter()
            .find(|c| c.id.get() == group.get())
            .unwrap()
    };
    let choice = |group: GroupId, mirror: MirrorDto| {
        plan_of(group)
            .choices
            .iter()
            .find(|c| c.mirror == mirror)
            .unwrap()
            .clone()
    };
    let topics = truth[0].1;
    assert_eq!(plan_of(skipped).topics, Some(topics));
    assert_eq!(plan_of(skipped).mirror, MirrorDto::Nothing);
    let all = choice(skipped, MirrorDto::All);
    assert_eq!(all.topics, Some(topics));
    // Not synced but for the member's own questions (followed whatever the choice): every
    // other topic costs the prior's 0.95 requests at 4.3 s, the questions their follow-ups.
    let archived = plan_of(skipped).archived;
    assert!(archived < topics / 4, "{archived}");
    let listing_ms = ((topics - archived) as f64 * 0.95 * 4300.0) as u64;
    let remaining = all.remaining_ms.unwrap();
    assert!(
        (listing_ms..=listing_ms + archived * 3 * 4300).contains(&remaining),
        "{all:?}, {archived} archived"
    );
    let month = choice(skipped, MirrorDto::Months { months: 1 });
    assert!(month.remaining_ms.unwrap() < all.remaining_ms.unwrap());
    assert_eq!(choice(skipped, MirrorDto::Nothing).remaining_ms, Some(0));
    // Synced whole: nothing left.
    assert_eq!(plan_of(synced).archived, truth[1].1);
    let synced_all = choice(synced, MirrorDto::All);
    assert_eq!(
        (synced_all.topics, synced_all.remaining_ms),
        (Some(truth[1].1), Some(0))
    );
}
