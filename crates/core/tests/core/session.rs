//! The app's core as the window sees it: [`Orrery`] opening the demo (a fallback service) or
//! the signed-in account, switching between them on sign-in and sign-out, and its scheduled
//! sync — against two simulators over HTTP and a real Secret Service.

use std::sync::Arc;
use std::time::Duration;

use orrery_core::account::{Account, AccountState, KEYRING_SERVICE};
use orrery_core::paths::DataDir;
use orrery_core::session::{Fallback, Orrery, Service, Session};
use orrery_core::store::ARCHIVE_FILE;
use orrery_ipc::commands::{AccountMode, SignOutArgs, SyncStateDto, TokenArgs};
use orrery_ipc::{ErrorCode, NoArgs};
use orrery_testkit::{STRANGER, assert_nowhere_in, block_on, secret_service_test, unpaced};
use zsxq::client::AccessToken;
use zsxq_sim::{Dataset, Faults, SimConfig, SimHandle};

/// How long a test waits for a sync against a local simulator before failing.
const PATIENCE: Duration = Duration::from_secs(120);

/// The demo as the shell gives it: a service on `sim`, in the `demo/` subfolder.
fn fallback(sim: &SimHandle) -> Fallback {
    let (base_url, token) = (sim.base_url().to_owned(), sim.token().to_owned());
    Arc::new(move |data_dir: DataDir| {
        let (base_url, token) = (base_url.clone(), token.clone());
        Box::pin(async move {
            Ok(Service {
                dir: DataDir::open(data_dir.root().join("demo")).map_err(|e| e.to_string())?,
                base_url,
                token: AccessToken::new(token).map_err(|e| e.to_string())?,
                interval: Duration::from_secs(3600),
                keep_alive: Box::new(()),
            })
        })
    })
}

/// Waits until the session's scheduled sync reaches `state`.
async fn until(session: &Session, state: SyncStateDto) {
    let mut status = session.status().expect("a scheduled sync");
    tokio::time::timeout(PATIENCE, status.wait_for(|s| s.state == state))
        .await
        .unwrap_or_else(|_| panic!("no {state:?} within {PATIENCE:?}"))
        .expect("the sync runs");
}

/// The ids of the circles in the window's sidebar, sorted.
async fn sidebar(orrery: &Orrery) -> Vec<String> {
    let overview = orrery.archive_overview(NoArgs {}).await.expect("overview");
    let mut ids: Vec<String> = overview.circles.iter().map(|c| c.id.to_string()).collect();
    ids.sort();
    ids
}

fn circles_of(sim: &SimHandle) -> Vec<String> {
    let mut ids: Vec<String> = sim
        .truth()
        .circles
        .into_iter()
        .map(|c| c.group_id)
        .collect();
    ids.sort();
    ids
}

secret_service_test! {
    fn sign_in_switches_from_the_demo_to_the_account_and_sign_out_back(keyring) {
        block_on(async {
            let demo = orrery_testkit::sim_with(SimConfig {
                dataset: Dataset::Generated(20),
                seed: 7,
                ..SimConfig::default()
            })
            .await;
            let service = orrery_testkit::sim(Dataset::Generated(20)).await;
            assert_ne!(circles_of(&demo), circles_of(&service), "two different worlds");
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = DataDir::open(tmp.path()).expect("data dir");
            // The data folder remembers the service from an earlier sign-in, whose token is
            // gone from the keyring again.
            let earlier = Account::open(&dir, unpaced(service.base_url())).expect("account");
            earlier
                .sign_in(AccessToken::new(service.token()).expect("token"))
                .await
                .expect("signs in");
            earlier.sign_out().await.expect("signs out");

            let orrery = Orrery::new(dir.clone(), Some(fallback(&demo)));
            let session = orrery.start().await.expect("the demo opens");
            assert_eq!(session.mode(), AccountMode::Demo);
            assert_eq!(session.dir().root(), tmp.path().join("demo"));
            until(&session, SyncStateDto::CaughtUp).await;
            assert_eq!(sidebar(&orrery).await, circles_of(&demo));
            let info = orrery.app_info(NoArgs {}).await.expect("info");
            assert_eq!((info.mode, info.expires_ms), (AccountMode::Demo, None));

            // Neither a malformed nor a refused token switches anything.
            for (bad, code) in [("not a token\n", ErrorCode::InvalidInput), (STRANGER, ErrorCode::InvalidInput)] {
                let err = orrery
                    .sign_in(TokenArgs { token: bad.to_owned() })
                    .await
                    .expect_err("refused");
                assert_eq!(err.code, code, "{err:?}");
                assert!(!err.message.contains(bad.trim()), "the token is never repeated: {err:?}");
                assert_eq!(orrery.session().await.expect("still open").mode(), AccountMode::Demo);
            }

            let info = orrery
                .sign_in(TokenArgs { token: service.token().to_owned() })
                .await
                .expect("signs in");
            assert_eq!(info.mode, AccountMode::SignedIn);
            assert!(info.expires_ms.is_some(), "the simulator tells the token's expiry");
            let account = orrery.session().await.expect("the account's session");
            assert_eq!(account.dir().root(), tmp.path());
            until(&account, SyncStateDto::CaughtUp).await;
            assert_eq!(sidebar(&orrery).await, circles_of(&service));
            assert!(session.schedule().expect("scheduled").is_finished(), "the demo's sync stopped");
            // Weeks later, with the app still running: the next run's answers tell the token's
            // shorter life, and the window's warning follows.
            let before = info.expires_ms.expect("an expiry");
            service.advance_clock(Duration::from_secs(27 * 86_400));
            let mut status = account.status().expect("a scheduled sync");
            orrery.sync_now(NoArgs {}).await.expect("sync now");
            tokio::time::timeout(PATIENCE, status.wait_for(|s| s.state == SyncStateDto::Syncing))
                .await
                .expect("a run starts")
                .expect("the sync runs");
            until(&account, SyncStateDto::CaughtUp).await;
            // The account follows the status in a task of its own: a moment after.
            let mut days = 0.0;
            for _ in 0..100 {
                let info = orrery.app_info(NoArgs {}).await.expect("info");
                days = (before - info.expires_ms.expect("an expiry")) as f64 / 86_400_000.0;
                if days > 1.0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!((26.5..27.5).contains(&days), "the expiry moved {days:.2} days");
            let entry = account.account().expect("an account").entry_name().to_owned();
            assert_eq!(keyring.lookup(KEYRING_SERVICE, &entry).as_deref(), Some(service.token()));
            assert_nowhere_in(tmp.path(), service.token());

            let info = orrery.sign_out(SignOutArgs::default()).await.expect("signs out");
            assert_eq!(info.mode, AccountMode::Demo);
            assert_eq!(keyring.lookup(KEYRING_SERVICE, &entry), None, "the token is gone");
            assert!(tmp.path().join(ARCHIVE_FILE).is_file(), "the account's archive stays");
            assert_eq!(sidebar(&orrery).await, circles_of(&demo));

            // Signed in again, then out with the archive deleted: its size is named first, the
            // archive goes, the demo and the settings stay.
            orrery
                .sign_in(TokenArgs { token: service.token().to_owned() })
                .await
                .expect("signs in again");
            let size = orrery.archive_size(NoArgs {}).await.expect("a size");
            assert!(size > 100_000, "the archive takes {size} bytes");
            orrery.sign_out(SignOutArgs { delete_archive: true }).await.expect("signs out");
            assert_eq!(orrery.archive_size(NoArgs {}).await.expect("a size"), 0);
            assert!(!tmp.path().join(ARCHIVE_FILE).exists(), "the account's archive is gone");
            assert!(!tmp.path().join("search").exists() && !tmp.path().join("media").exists());
            assert!(tmp.path().join("account.json").is_file(), "which service stays remembered");
            assert_eq!(sidebar(&orrery).await, circles_of(&demo), "the demo is untouched");
            orrery.stop();
            demo.shutdown().await;
            service.shutdown().await;
        });
    }
}

secret_service_test! {
    fn a_token_refused_mid_sync_marks_the_account_needs_login(keyring) {
        let _ = keyring;
        block_on(async {
            let service = orrery_testkit::sim(Dataset::Generated(200)).await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = DataDir::open(tmp.path()).expect("data dir");
            let account = Account::open(&dir, unpaced(service.base_url())).expect("account");
            account
                .sign_in(AccessToken::new(service.token()).expect("token"))
                .await
                .expect("signs in");
            service.set_faults(Faults { unauthorized_after: Some(5), ..Faults::default() });

            // No fallback: a build without the demo.
            let orrery = Orrery::new(dir, None);
            let session = orrery.start().await.expect("the account's session opens");
            assert_eq!(session.mode(), AccountMode::SignedIn);
            until(&session, SyncStateDto::NeedsLogin).await;
            let mut state = session.account().expect("an account").subscribe();
            let marked = tokio::time::timeout(
                PATIENCE,
                state.wait_for(|state| *state == AccountState::NeedsLogin),
            )
            .await
            .map(|state| state.map(|s| s.clone()));
            assert!(matches!(marked, Ok(Ok(_))), "the account is marked: {marked:?}");

            // Signing out of a build without the demo leaves nothing to show but sign-in.
            let err = orrery.sign_out(SignOutArgs::default()).await.expect_err("nothing to fall back on");
            assert_eq!(err.code, ErrorCode::NeedsLogin, "{err:?}");
            let err = orrery.archive_overview(NoArgs {}).await.expect_err("no session");
            assert_eq!(err.code, ErrorCode::NeedsLogin, "{err:?}");
            service.shutdown().await;
        });
    }
}

/// The brief's triage through the window's commands on the demo: done and its undo, save for
/// later, mute an author and take it back — each visible in the next brief.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_brief_triages_through_the_commands() {
    use orrery_ipc::commands::{
        BriefArgs, BriefDto, BriefMarkArgs, BriefMarkDto, SaveTopicArgs, StanceDto, TopicsArgs,
    };

    let demo = orrery_testkit::sim(Dataset::Demo).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let orrery = Orrery::new(
        DataDir::open(tmp.path()).expect("dir"),
        Some(fallback(&demo)),
    );
    let session = orrery.start().await.expect("the demo opens");
    until(&session, SyncStateDto::CaughtUp).await;
    let brief = || async {
        orrery
            .brief(BriefArgs {
                // The demo's whole history: its dates spread over years.
                since_hours: Some(24 * 365 * 20),
                lang: "zh-CN".to_owned(),
            })
            .await
            .expect("the brief")
    };
    let has = |b: &BriefDto, topic| b.items.iter().any(|i| i.topic == topic);
    let first = brief().await;
    assert!(first.items.len() > 10, "{first:#?}");
    let item = first
        .items
        .iter()
        .find(|i| !i.mine && i.author_id.is_some() && i.why.is_empty())
        .expect("an ordinary member's post")
        .clone();

    let mark = |read| TopicsArgs {
        topics: vec![item.topic],
        read,
    };
    orrery.mark_topics(mark(true)).await.expect("done");
    assert!(!has(&brief().await, item.topic), "done is gone");
    // The Settings' default tells the service: its circle's read markers are owed.
    let owed = session.store().read_markers_owed().await.expect("owed");
    assert!(
        owed.iter().any(|(g, _)| g.get() == item.circle.get()),
        "{owed:?}"
    );
    orrery.mark_topics(mark(false)).await.expect("undo");
    assert!(has(&brief().await, item.topic), "undone is back");

    orrery
        .save_topic(SaveTopicArgs {
            topic: item.topic,
            saved: true,
        })
        .await
        .expect("saved");
    let saved = orrery.saved_topics(NoArgs {}).await.expect("saved list");
    assert_eq!(saved.topics.len(), 1);
    assert_eq!(saved.topics[0].id, item.topic);
    let again = brief().await;
    assert!(again.items.iter().any(|i| i.topic == item.topic && i.saved));
    // The reader says so too (its 稍后读 button).
    let opened = orrery
        .open_topic(orrery_ipc::commands::TopicArgs { topic: item.topic })
        .await
        .expect("opens");
    assert!(opened.saved);
    orrery
        .mark_topics(mark(false))
        .await
        .expect("unread again after opening");

    let author = BriefMarkDto::Author {
        id: item.author_id.expect("an author"),
    };
    let set = |stance| BriefMarkArgs {
        mark: author.clone(),
        stance,
    };
    orrery
        .brief_mark(set(StanceDto::Mute))
        .await
        .expect("muted");
    let muted = brief().await;
    assert!(!has(&muted, item.topic));
    let noise = muted
        .noise
        .iter()
        .find(|i| i.topic == item.topic)
        .expect("in the noise");
    assert_eq!(noise.noise.as_deref(), Some("muted_author"));
    assert_eq!(noise.why, "已屏蔽作者");
    // Settings lists the mute, by the author's name, and takes it back from there.
    let marks = orrery.brief_marks(NoArgs {}).await.expect("marks").marks;
    assert_eq!(marks.len(), 1, "{marks:?}");
    assert_eq!(marks[0].mark, author);
    assert_eq!(marks[0].stance, StanceDto::Mute);
    assert_eq!(Some(marks[0].name.as_str()), item.author.as_deref());
    orrery
        .brief_mark(set(StanceDto::None))
        .await
        .expect("unmuted");
    assert!(
        orrery
            .brief_marks(NoArgs {})
            .await
            .expect("marks")
            .marks
            .is_empty()
    );
    assert!(has(&brief().await, item.topic));
    orrery.stop();
}
