//! The media cache and the sync against bodies no honest host sends (issue 17): the
//! simulator's `Faults::huge_media` stress serves every image and file as 1 GiB of filler.
//! A 1 GiB "image" once took a sync to 2.1 GB of memory and landed in the cache.
//!
//! What is asserted is what can be observed: the sync ends, the image is marked with a clear
//! error, no blob over the cap is in the cache or the ledger, and `media/tmp` is empty. Never
//! memory use or time.

#![allow(clippy::unwrap_used)] // Test code: a panic is the report.

use std::path::Path;
use std::time::Duration;

use orrery_core::media::{DEFAULT_CAP_BYTES, MAX_IMAGE_BYTES, MediaCache, MediaError, file_limit};
use orrery_core::store::Store;
use orrery_core::sync::{CancellationToken, SyncEngine, SyncOptions, SyncReport, SyncStatus};
use orrery_testkit::temp_store;
use zsxq::client::{ClientConfig, RetryPolicy};
use zsxq::{ApiError, Client, FileId, ImageId};
use zsxq_sim::{Dataset, Faults, SimHandle};

fn client(sim: &SimHandle) -> Client {
    let config = ClientConfig {
        retry: RetryPolicy::immediate(4),
        ..orrery_testkit::unpaced(sim.base_url())
    };
    orrery_testkit::client_as(config, sim.token())
}

fn options(image_cache_bytes: u64) -> SyncOptions {
    SyncOptions {
        image_cache_bytes,
        max_retries: 2,
        retry_delay: Duration::from_millis(1),
        max_retry_delay: Duration::from_millis(5),
        ..SyncOptions::default()
    }
}

async fn sync(store: &Store, sim: &SimHandle, image_cache_bytes: u64) -> SyncReport {
    SyncEngine::new(store.clone(), client(sim), options(image_cache_bytes))
        .run_once(&CancellationToken::new())
        .await
        .unwrap()
}

fn huge() -> Faults {
    Faults {
        huge_media: true,
        ..Faults::default()
    }
}

/// A read-write look at the archive, for what the public API does not offer.
async fn raw(store: &Store) -> sqlx::SqlitePool {
    let url = format!("sqlite://{}", store.path().display());
    sqlx::SqlitePool::connect(&url).await.unwrap()
}

/// A file of the archive that can be downloaded (not a video, which is app-only), with its
/// advertised size.
async fn downloadable_file(db: &sqlx::SqlitePool) -> (FileId, u64) {
    let (id, size): (i64, i64) = sqlx::query_as(
        "SELECT file_id, size FROM files WHERE name NOT LIKE '%.mp4' AND size > 0 LIMIT 1",
    )
    .fetch_one(db)
    .await
    .unwrap();
    (FileId::new(id), size as u64)
}

/// Every file under `dir`, with its size.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, u64)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let size = std::fs::metadata(&path).unwrap().len();
                found.push((path, size));
            }
        }
    }
    found
}

/// Nothing over `cap` in the cache directory, nothing left in `media/tmp`, and the ledger
/// names no blob over `cap`.
async fn assert_nothing_over(store: &Store, db: &sqlx::SqlitePool, cap: u64) {
    let media = store.data_root().join("media");
    for (path, size) in files_under(&media) {
        assert!(size <= cap, "{} is {size} bytes", path.display());
    }
    let tmp = files_under(&media.join("tmp"));
    assert!(tmp.is_empty(), "left in media/tmp: {tmp:?}");
    let largest: Option<i64> = sqlx::query_scalar("SELECT MAX(size) FROM media_blobs")
        .fetch_one(db)
        .await
        .unwrap();
    assert!(largest.unwrap_or(0) as u64 <= cap, "{largest:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_1_gib_image_took_the_sync_to_gigabytes_and_is_now_refused_at_the_cap() {
    let sim = orrery_testkit::sim(Dataset::Generated(200)).await;
    let (_dir, store) = temp_store().await;
    // The archive first, without images.
    assert_eq!(sync(&store, &sim, 0).await.status, SyncStatus::CaughtUp);

    // Three images left to cache (the others as if evicted, which the sync skips): each
    // stressed download writes up to the cap before it is cut off.
    let db = raw(&store).await;
    let todo: Vec<i64> =
        sqlx::query_scalar("SELECT image_id FROM images ORDER BY image_id LIMIT 3")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(todo.len(), 3, "the dataset has images");
    sqlx::query(
        "UPDATE images SET cache_error = 'evicted'
         WHERE image_id NOT IN (SELECT image_id FROM images ORDER BY image_id LIMIT 3)",
    )
    .execute(&db)
    .await
    .unwrap();

    sim.set_faults(huge());
    let report = sync(&store, &sim, DEFAULT_CAP_BYTES).await;
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    let cached: u64 = report.circles.iter().map(|c| c.images).sum();
    assert_eq!(cached, 0, "{report:?}");
    for id in &todo {
        let error = store
            .image_cache_error(ImageId::new(*id))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("image {id} is marked"));
        assert!(error.contains("larger than the 32 MiB"), "{error}");
        assert!(!error.contains('?'), "no signed query in {error}");
    }
    assert_nothing_over(&store, &db, MAX_IMAGE_BYTES).await;
    assert_eq!(store.media_usage().await.unwrap(), 0);

    // Marked, so not asked for again.
    let before = sim.requests().route("GET /images/{name}");
    assert_eq!(
        sync(&store, &sim, DEFAULT_CAP_BYTES).await.status,
        SyncStatus::CaughtUp
    );
    assert_eq!(sim.requests().route("GET /images/{name}"), before);

    // The same image opened on demand is refused the same way.
    let cache = MediaCache::new(store.clone(), DEFAULT_CAP_BYTES);
    let err = cache
        .image(&client(&sim), ImageId::new(todo[0]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::Api(ApiError::TooLarge {
                limit: MAX_IMAGE_BYTES,
                ..
            })
        ),
        "{err:?}"
    );
    assert_nothing_over(&store, &db, MAX_IMAGE_BYTES).await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_far_over_its_advertised_size_is_refused_and_leaves_nothing_in_tmp() {
    let sim = orrery_testkit::sim(Dataset::Generated(200)).await;
    let (_dir, store) = temp_store().await;
    assert_eq!(sync(&store, &sim, 0).await.status, SyncStatus::CaughtUp);
    let db = raw(&store).await;
    let (file, size) = downloadable_file(&db).await;
    let cache = MediaCache::new(store.clone(), DEFAULT_CAP_BYTES);

    sim.set_faults(huge());
    let err = cache.file(&client(&sim), file).await.unwrap_err();
    match &err {
        MediaError::Api(ApiError::TooLarge { what, limit, url }) => {
            assert_eq!(*what, "a download");
            assert_eq!(*limit, file_limit(Some(size)));
            assert!(*limit > size && *limit < zsxq_sim::HUGE_MEDIA_BYTES);
            assert!(!url.contains('?'), "{url}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store.file_entry(file).await.unwrap().unwrap().local_path,
        None
    );
    assert_nothing_over(&store, &db, file_limit(Some(size))).await;
    assert_eq!(store.media_usage().await.unwrap(), 0);

    // As advertised, the same file comes through its limit.
    sim.set_faults(Faults::default());
    let path = cache.file(&client(&sim), file).await.unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), size);
    assert_nothing_over(&store, &db, file_limit(Some(size))).await;
    sim.shutdown().await;
}

/// Issue 17: a download that broke off started over, so a connection that kept breaking never
/// finished a file. Under `cut_media` every whole answer breaks off half way and only a ranged
/// one comes whole: the file and the images arrive, byte for byte, only by resuming.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_that_breaks_off_is_resumed_where_it_stopped() {
    let sim = orrery_testkit::sim(Dataset::Generated(200)).await;
    let (_dir, store) = temp_store().await;
    assert_eq!(sync(&store, &sim, 0).await.status, SyncStatus::CaughtUp);
    let db = raw(&store).await;
    let (file, size) = downloadable_file(&db).await;
    let cache = MediaCache::new(store.clone(), DEFAULT_CAP_BYTES);
    sim.set_faults(Faults {
        cut_media: true,
        ..Faults::default()
    });
    let before = sim.requests().route("GET /files/{file_id}");
    let path = cache.file(&client(&sim), file).await.unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes.len() as u64, size);
    assert!(bytes.starts_with("zsxq-sim 模拟文件：".as_bytes()));
    assert_eq!(
        sim.requests().route("GET /files/{file_id}") - before,
        2,
        "half, then the rest"
    );

    // The sync's images too: every one cached, each checked against its content address.
    let report = sync(&store, &sim, DEFAULT_CAP_BYTES).await;
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    let uncached: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM images WHERE local_path IS NULL")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(uncached, 0);
    sim.shutdown().await;
}

/// Issue 17: one dead image host failed the whole circle every run (310 s, then "failed", and
/// older images never cached). Now the circle's sync succeeds, the host costs one image's
/// retries per circle, the images wait with a growing back-off, and once the host is back and
/// the wait is over they are cached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_image_host_no_longer_fails_the_circle_every_run() {
    let sim = orrery_testkit::sim(Dataset::Generated(200)).await;
    let (_dir, store) = temp_store().await;
    let db = raw(&store).await;
    sim.set_faults(Faults {
        dead_images: true,
        ..Faults::default()
    });
    let images = "GET /images/{name}";
    let before = sim.requests().route(images);
    let report = sync(&store, &sim, DEFAULT_CAP_BYTES).await;
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    let circles = sim.truth().circles.len() as u64;
    let attempts = sim.requests().route(images) - before;
    // The client's own tries (RetryPolicy::immediate(4): five in all) of one image per circle.
    assert!(
        attempts <= circles * 5,
        "{attempts} image requests for {circles} circles"
    );
    let (cached, waiting): (i64, i64) =
        sqlx::query_as("SELECT COUNT(local_path), COUNT(cache_retry_at_ms) FROM images")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(cached, 0);
    assert!(
        waiting >= 1 && waiting as u64 <= circles,
        "{waiting} images waiting"
    );
    let errors: i64 = sqlx::query_scalar("SELECT COUNT(cache_error) FROM images")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(errors, 0, "an unreachable host is not a refusal for good");

    // Again at once: the one that failed waits, the others get one more try per circle.
    let before = sim.requests().route(images);
    assert_eq!(
        sync(&store, &sim, DEFAULT_CAP_BYTES).await.status,
        SyncStatus::CaughtUp
    );
    assert!(sim.requests().route(images) - before <= circles * 5);
    let twice: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM images WHERE cache_failures >= 2")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(twice, 0, "an image in its wait was asked for again");

    // The host is back and the waits are over: everything is cached, the marks cleared.
    sim.set_faults(Faults::default());
    sqlx::query("UPDATE images SET cache_retry_at_ms = 0 WHERE cache_retry_at_ms IS NOT NULL")
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(
        sync(&store, &sim, DEFAULT_CAP_BYTES).await.status,
        SyncStatus::CaughtUp
    );
    let (uncached, marked): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*) - COUNT(local_path), COUNT(cache_retry_at_ms) FROM images")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!((uncached, marked), (0, 0));
}
