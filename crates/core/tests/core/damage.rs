//! Damage the archive survives or reports (issue 17): an emptied archive file is an error that
//! touches nothing else, and first runs racing on a new folder share one complete archive.

#![allow(clippy::unwrap_used)] // Test code: a panic is the report.

use std::path::Path;
use std::time::Duration;

use orrery_core::paths::DataDir;
use orrery_core::session::{Service, Session, Source};
use orrery_core::store::{ARCHIVE_FILE, Store, StoreError, SyncRun};
use orrery_core::sync::{CancellationToken, SyncEngine, SyncOptions, SyncStatus};
use orrery_ipc::commands::SettingsDto;
use zsxq::client::AccessToken;
use zsxq_sim::Dataset;

fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, u64)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            let len = std::fs::metadata(&path).unwrap().len();
            out.push((path, len));
        }
    }
    out.sort();
    out
}

/// An archive emptied by a crash or a full disk used to be taken for a new one: the next
/// search rebuilt the index empty and the next sync's clean-up deleted every cached image.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emptied_archive_is_an_error_and_leaves_media_and_index_alone() {
    let sim = orrery_testkit::sim(Dataset::Generated(300)).await;
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(dir.path()).unwrap();
    let store = Store::open(&data).await.unwrap();
    let report = SyncEngine::new(
        store.clone(),
        orrery_testkit::client(&sim),
        SyncOptions::default(),
    )
    .run_once(&CancellationToken::new())
    .await
    .unwrap();
    assert_eq!(report.status, SyncStatus::CaughtUp);
    store.close().await;
    let media = dir.path().join("media");
    let cached = files_under(&media);
    assert!(!cached.is_empty(), "the sync cached images");

    let archive = dir.path().join(ARCHIVE_FILE);
    std::fs::File::create(&archive).unwrap(); // truncates to 0 bytes
    let err = Store::open(&data).await.unwrap_err();
    assert!(matches!(err, StoreError::Emptied { .. }), "{err}");
    assert!(err.to_string().contains("0 bytes"), "{err}");

    // The app and `orrery-cli sync` open a session, which would sweep the media cache and
    // open the search index: it stops at the archive instead.
    let service = Service {
        dir: data.clone(),
        base_url: sim.base_url().to_owned(),
        token: AccessToken::new(sim.token()).unwrap(),
        interval: Duration::from_secs(3600),
        keep_alive: Box::new(()),
    };
    let session = Session::open(Source::Service(service), &SettingsDto::default()).await;
    let message = session.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("0 bytes"), "{message}");
    assert_eq!(
        std::fs::metadata(&archive).unwrap().len(),
        0,
        "left as found"
    );
    assert_eq!(files_under(&media), cached, "no cached file touched");
}

/// The app and the CLI started together on a new folder: each builds its own archive and the
/// first to link it in wins; all of them open that one, complete, and leave nothing behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn first_runs_racing_on_a_new_folder_share_one_complete_archive() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::open(dir.path()).unwrap();
        let opening: Vec<_> = (0..6)
            .map(|_| {
                let data = data.clone();
                tokio::spawn(async move { Store::open(&data).await })
            })
            .collect();
        let mut stores = Vec::new();
        for open in opening {
            stores.push(open.await.unwrap().unwrap());
        }
        let run = SyncRun {
            status: "caught_up",
            finished_ms: 1_765_353_600_000,
            new_topics: 1,
            requests: 1,
        };
        stores[0].record_sync_run(&run).await.unwrap();
        for store in &stores {
            assert_eq!(
                store.last_caught_up_ms().await.unwrap(),
                Some(run.finished_ms),
                "every process writes and reads the same archive"
            );
            assert_eq!(store.integrity_check().await.unwrap(), "ok");
        }
        let names: Vec<String> = files_under(dir.path())
            .into_iter()
            .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".new-")), "{names:?}");
    }
}

/// The archive holds what the member paid to read: nobody else on the machine may read it.
#[cfg(unix)]
#[tokio::test]
async fn a_new_archive_is_the_members_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(dir.path().join("data")).unwrap();
    let store = Store::open(&data).await.unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(store.path()), 0o600);
    assert_eq!(mode(data.root()), 0o700);
}

/// `orrery-cli sync` (continuous) used to end with "the archive is busy" when another process
/// held the archive longer than the busy timeout (5 s); it waits and goes on instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_continuous_sync_waits_out_an_archive_another_process_keeps_busy() {
    use orrery_core::sync::{SyncEvent, SyncMode};
    use sqlx::Connection as _;

    let sim = orrery_testkit::sim(Dataset::Generated(100)).await;
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(dir.path()).unwrap();
    let store = Store::open(&data).await.unwrap();
    // Another process: a connection of its own, holding the write lock.
    let url = format!("sqlite:{}", store.path().display());
    let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();

    let options = SyncOptions {
        retry_delay: Duration::from_millis(50),
        max_retry_delay: Duration::from_millis(200),
        ..SyncOptions::default()
    };
    let engine = SyncEngine::new(store.clone(), orrery_testkit::client(&sim), options);
    let mut events = engine.subscribe();
    let cancel = CancellationToken::new();
    let running = {
        let (engine, cancel) = (engine.clone(), cancel.clone());
        tokio::spawn(async move {
            let mode = SyncMode::Continuous {
                interval: Duration::from_secs(3600),
            };
            engine.run(mode, &cancel).await
        })
    };
    let mut released = false;
    loop {
        // A guard against waiting forever on a run that already ended, not a measurement.
        let event = tokio::time::timeout(Duration::from_secs(120), events.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "no progress; the run ended with {:?}",
                    running.is_finished()
                )
            })
            .unwrap();
        match event {
            SyncEvent::Retrying { error, .. } if !released => {
                assert!(error.contains("busy"), "{error}");
                sqlx::query("COMMIT").execute(&mut other).await.unwrap();
                released = true;
            }
            SyncEvent::Finished { status } if released => {
                assert_eq!(status, SyncStatus::CaughtUp);
                break;
            }
            _ => {}
        }
        assert!(!running.is_finished(), "the continuous sync ended early");
    }
    cancel.cancel();
    let report = running.await.unwrap().unwrap();
    assert_eq!(report.status, SyncStatus::Cancelled);
    let counts = serde_json::to_string(&store.counts().await.unwrap()).unwrap();
    assert_eq!(counts, serde_json::to_string(&sim.truth()).unwrap());
}
