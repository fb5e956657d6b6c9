//! The background poll against the simulator: what an idle poll costs, and that it still
//! brings what notifications need.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use orrery_core::store::InboxKind;
use orrery_core::sync::{CancellationToken, Depth, SyncEngine, SyncOptions};
use orrery_testkit::{client, open_store, sim};
use zsxq_sim::{Dataset, Happening, HappeningKind};

#[tokio::test]
async fn an_idle_light_poll_costs_one_request_per_circle_and_brings_answers() {
    let sim = sim(Dataset::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path()).await;
    let engine = SyncEngine::new(store.clone(), client(&sim), SyncOptions::default());
    let cancel = CancellationToken::new();
    engine.run_with(&cancel, Depth::Full).await.unwrap();
    let circles = store.circles().await.unwrap().len() as u64;
    assert!(circles >= 2);

    // Nothing changed: a full run re-reads recent pages and open questions, a light poll the
    // circle list, the newest page of each circle and the list of my answered questions.
    let full = engine
        .run_with(&cancel, Depth::Full)
        .await
        .unwrap()
        .requests;
    let light = engine
        .run_with(&cancel, Depth::Light)
        .await
        .unwrap()
        .requests;
    assert_eq!(light, circles + 2, "full run: {full}");
    assert!(full > light);

    // Six of my questions answered, newest open ones first (so older and older ones): one
    // light poll archives every answer — through the list of my open questions, wherever and
    // however old the question — and the inbox has the events.
    let me = client(&sim)
        .self_user()
        .await
        .unwrap()
        .data
        .user
        .id()
        .unwrap();
    store
        .derive_inbox(me, &[], orrery_core::now_ms())
        .await
        .unwrap();
    let answered: Vec<i64> = (0..6)
        .map(|_| {
            sim.happen(Happening {
                kind: HappeningKind::AnswerMine,
                group_id: None,
            })
            .unwrap()
            .topic_id
        })
        .collect();
    engine.run_with(&cancel, Depth::Light).await.unwrap();
    store
        .derive_inbox(me, &[], orrery_core::now_ms())
        .await
        .unwrap();
    let pending = store.pending_events().await.unwrap();
    for topic in answered {
        assert!(
            pending
                .iter()
                .any(|e| e.kind == InboxKind::Answer && e.topic_id == topic),
            "{topic}: {pending:#?}"
        );
    }
}
