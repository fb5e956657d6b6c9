//! What to mirror of each circle: the last months of one, nothing of another, all of the rest;
//! each exactly, and a choice widened later fills in the rest without a gap.

#![allow(clippy::unwrap_used)] // Test code: a panic is the report.

use std::collections::BTreeSet;

use orrery_core::store::{Mirror, Store};
use orrery_core::sync::{CancellationToken, SyncEngine, SyncOptions};
use orrery_testkit::temp_store;
use zsxq::GroupId;
use zsxq_sim::Dataset;

/// Every archived topic of `group` with its creation time (ms).
async fn topics_of(store: &Store, group: GroupId) -> BTreeSet<(i64, i64)> {
    let db = sqlx::SqlitePool::connect(&format!("sqlite:{}", store.path().display()))
        .await
        .unwrap();
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT topic_id, create_time_ms FROM topics WHERE group_id = ?")
            .bind(group.get())
            .fetch_all(&db)
            .await
            .unwrap();
    rows.into_iter().collect()
}

/// The member's own questions, which the sync follows in every circle whatever the choice.
async fn my_questions(store: &Store) -> BTreeSet<i64> {
    let db = sqlx::SqlitePool::connect(&format!("sqlite:{}", store.path().display()))
        .await
        .unwrap();
    let rows: Vec<i64> = sqlx::query_scalar("SELECT topic_id FROM my_questions")
        .fetch_all(&db)
        .await
        .unwrap();
    rows.into_iter().collect()
}

async fn sync(store: &Store, sim: &zsxq_sim::SimHandle) {
    let options = SyncOptions {
        question_refresh_pages: None,
        image_cache_bytes: 0,
        ..SyncOptions::default()
    };
    SyncEngine::new(store.clone(), orrery_testkit::client(sim), options)
        .run_once(&CancellationToken::new())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_circle_is_mirrored_exactly_as_chosen_and_widening_fills_in() {
    let sim = orrery_testkit::sim(Dataset::Generated(1_500)).await;
    // The reference: everything.
    let (_all_dir, all) = temp_store().await;
    sync(&all, &sim).await;
    let circles: Vec<GroupId> = sim
        .truth()
        .circles
        .iter()
        .map(|c| GroupId::new(c.group_id.parse().unwrap()))
        .collect();
    let (recent, none) = (circles[0], circles[1]);
    // As many months as reach back to the middle of that circle's history (the generated
    // dataset's dates are fixed, so "now" moves away from them).
    let everything = topics_of(&all, recent).await;
    let mut times: Vec<i64> = everything.iter().map(|(_, t)| *t).collect();
    times.sort_unstable();
    let month_ms = 30 * 24 * 3_600_000;
    let months = u32::try_from((orrery_core::now_ms() - times[times.len() / 2]) / month_ms)
        .unwrap()
        .max(1);
    let choice = Mirror::Months(months);

    // The circles are listed by the first request of a sync; the choices are made on them.
    let (_dir, store) = temp_store().await;
    let groups = orrery_testkit::client(&sim).groups().await.unwrap().data;
    store.upsert_circles(&groups.groups).await.unwrap();
    assert!(store.set_mirror(recent, choice).await.unwrap());
    assert!(store.set_mirror(none, Mirror::Nothing).await.unwrap());
    assert!(
        !store
            .set_mirror(GroupId::new(1), Mirror::Nothing)
            .await
            .unwrap()
    );
    let horizon = choice
        .horizon(orrery_core::now_ms())
        .unwrap()
        .to_unix_millis();
    sync(&store, &sim).await;

    let mine = my_questions(&store).await;
    let expected: BTreeSet<_> = everything
        .iter()
        .filter(|(_, t)| *t >= horizon)
        .copied()
        .collect();
    assert!(
        !expected.is_empty() && expected.len() < everything.len(),
        "the dataset spans the horizon: {} of {}",
        expected.len(),
        everything.len()
    );
    let archived = topics_of(&store, recent).await;
    let extra: Vec<_> = archived
        .difference(&expected)
        .filter(|(id, _)| !mine.contains(id))
        .collect();
    let missing: Vec<_> = expected.difference(&archived).collect();
    assert!(missing.is_empty(), "missing in range: {missing:?}");
    assert!(extra.is_empty(), "archived before the horizon: {extra:?}");
    assert!(
        topics_of(&store, none)
            .await
            .iter()
            .all(|(id, _)| mine.contains(id)),
        "a circle mirrored not at all archives nothing of its own"
    );
    let listed = store.circles().await.unwrap();
    let chosen = |group| listed.iter().find(|c| c.group_id == group).unwrap().mirror;
    assert_eq!(chosen(none), Mirror::Nothing, "still listed");
    assert_eq!(chosen(recent), choice);
    for other in &circles[2..] {
        assert_eq!(
            topics_of(&store, *other).await,
            topics_of(&all, *other).await
        );
    }

    // Widened to everything: the backfill goes on from the horizon, and the archive is whole.
    store.set_mirror(recent, Mirror::All).await.unwrap();
    store.set_mirror(none, Mirror::All).await.unwrap();
    sync(&store, &sim).await;
    for circle in &circles {
        assert_eq!(
            topics_of(&store, *circle).await,
            topics_of(&all, *circle).await,
            "circle {circle} after widening"
        );
    }
}
