//! The account against the real thing: a real Secret Service (a private GNOME Keyring on a
//! private D-Bus session, see `orrery_testkit::secret_service`) and the ZSXQ simulator over HTTP.
//!
//! Each test runs its body in a child process with its own bus and keyring; the parent only
//! prints the child's output and checks it passed.

use std::time::Duration;

use orrery_core::account::{
    Account, AccountError, AccountSettings, AccountState, KEYRING_SERVICE, Keyring, TOKEN_ENV,
};
use orrery_core::paths::DataDir;
use orrery_testkit::{
    STRANGER, assert_nowhere_in, block_on, secret_service, secret_service_test, unpaced,
};
use zsxq::ApiError;
use zsxq::client::{AccessToken, ClientConfig, Pacing, RetryPolicy};
use zsxq_sim::{Dataset, Faults, SimHandle};

/// A simulator with a few topics per circle.
async fn sim() -> SimHandle {
    orrery_testkit::sim(Dataset::Generated(20)).await
}

/// Loopback settings: no pacing and no retries, so a 401 or a refusal shows at once.
fn config(sim: &SimHandle) -> ClientConfig {
    ClientConfig {
        retry: RetryPolicy::never(),
        ..unpaced(sim.base_url())
    }
}

fn token(text: &str) -> AccessToken {
    AccessToken::new(text).expect("a well-formed token")
}

secret_service_test! {
    fn sign_in_stores_the_token_only_in_the_keyring_and_sign_out_removes_it(keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = DataDir::open(tmp.path()).expect("data dir");
            let account = Account::open(&dir, config(&sim)).expect("account");
            assert!(!account.has_env_override());
            assert!(matches!(account.token().await, Ok(None)), "a fresh keyring holds nothing");

            let signed_in = account.sign_in(token(sim.token())).await.expect("signs in");
            assert!(!signed_in.user_name.is_empty());
            assert!(signed_in.user_id.is_some());
            let expiry = signed_in.expiry.expect("the simulator sends x-expire-in");
            assert!(!expiry.warn, "a fresh token lasts 30 days: {expiry:?}");
            assert!(matches!(account.state(), AccountState::SignedIn { .. }));

            // In the real Secret Service, seen by a tool that is not Orrery, with a label.
            assert_eq!(
                keyring.lookup(KEYRING_SERVICE, account.entry_name()).as_deref(),
                Some(sim.token())
            );
            let items = keyring.search(KEYRING_SERVICE);
            assert!(items.contains("Orrery: ZSXQ access token for http://127.0.0.1"), "{items}");
            // …and on disk only encrypted.
            assert!(keyring.keyring_dir().join("login.keyring").is_file());
            assert_nowhere_in(&keyring.keyring_dir(), sim.token());

            // Read back through the keyring.
            let stored = account.token().await.expect("reads").expect("a token");
            assert_eq!(stored.expose_secret(), sim.token());

            // The data directory remembers the service and the user, never the token.
            let settings = AccountSettings::load(&dir).expect("loads").expect("saved");
            assert_eq!(settings.base_url, sim.base_url());
            assert_eq!(settings.user_name.as_deref(), Some(signed_in.user_name.as_str()));
            assert_nowhere_in(tmp.path(), sim.token());

            assert_eq!(account.sign_out().await, Ok(true));
            assert_eq!(account.state(), AccountState::SignedOut);
            assert_eq!(keyring.lookup(KEYRING_SERVICE, account.entry_name()), None);
            assert!(matches!(account.token().await, Ok(None)));
            assert_eq!(account.sign_out().await, Ok(false), "signing out twice is fine");
            let settings = AccountSettings::load(&dir).expect("loads").expect("kept");
            assert_eq!(settings.base_url, sim.base_url(), "the service is still remembered");
            assert_eq!(settings.user_name, None, "the user is forgotten");
            sim.shutdown().await;
        });
    }
}

secret_service_test! {
    fn a_later_run_finds_the_service_and_token_again(keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = DataDir::open(tmp.path()).expect("data dir");
            Account::open(&dir, config(&sim))
                .expect("account")
                .sign_in(token(sim.token()))
                .await
                .expect("signs in");

            // A new process: only the data directory says where to go.
            let later = Account::open_saved(
                &dir,
                ClientConfig { pacing: Pacing::none(), ..ClientConfig::default() },
            )
            .expect("account");
            assert_eq!(later.base_url(), sim.base_url());
            assert_eq!(later.state(), AccountState::SignedOut, "nothing is known before restore");
            assert!(matches!(later.restore().await, Ok(AccountState::SignedIn { .. })));
            let client = later.client().await.expect("a client");
            let groups = client.groups().await.expect("the stored token works");
            assert!(!groups.data.groups.is_empty());
            assert_eq!(keyring.lookup(KEYRING_SERVICE, sim.base_url()).as_deref(), Some(sim.token()));
            sim.shutdown().await;
        });
    }
}

secret_service_test! {
    fn a_refused_token_is_never_stored(keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = DataDir::open(tmp.path()).expect("data dir");
            let account = Account::open(&dir, config(&sim)).expect("account");
            assert_eq!(
                account.sign_in(token(STRANGER)).await.map(|_| ()),
                Err(AccountError::TokenRejected)
            );
            assert_eq!(account.state(), AccountState::SignedOut);
            assert_eq!(keyring.lookup(KEYRING_SERVICE, account.entry_name()), None);
            assert_eq!(AccountSettings::load(&dir), Ok(None), "nothing remembered");
            assert_eq!(account.restore().await, Ok(AccountState::SignedOut));
            assert_eq!(account.verify().await.map(|_| ()), Err(AccountError::NotSignedIn));
            sim.shutdown().await;
        });
    }
}

secret_service_test! {
    fn a_401_mid_session_means_needs_login_until_the_next_sign_in(keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = DataDir::open(tmp.path()).expect("data dir");
            let account = Account::open(&dir, config(&sim)).expect("account");
            account.sign_in(token(sim.token())).await.expect("signs in");
            let mut watcher = account.subscribe();
            watcher.mark_unchanged();

            // The service revokes the sign-in after one more request.
            sim.set_faults(Faults { unauthorized_after: Some(1), ..Faults::default() });
            let client = account.client().await.expect("a client");
            let answered = client.groups().await;
            account.observe(&answered);
            let refused = client.groups().await;
            assert!(matches!(refused, Err(ApiError::Unauthorized)), "{refused:?}");
            account.observe(&refused);
            assert!(watcher.has_changed().expect("sender alive"));
            assert_eq!(*watcher.borrow_and_update(), AccountState::NeedsLogin);

            // The next start finds the same: the token is kept but refused.
            let later = Account::open_saved(&dir, config(&sim)).expect("account");
            assert_eq!(later.restore().await, Ok(AccountState::NeedsLogin));
            assert_eq!(keyring.lookup(KEYRING_SERVICE, sim.base_url()).as_deref(), Some(sim.token()));

            // A fresh token signs in again and replaces the old one.
            sim.set_faults(Faults::default());
            let fresh = sim.issue_token();
            account.sign_in(token(&fresh)).await.expect("signs in again");
            assert!(matches!(account.state(), AccountState::SignedIn { .. }));
            assert_eq!(keyring.lookup(KEYRING_SERVICE, sim.base_url()), Some(fresh.clone()));
            let client = account.client().await.expect("the new client");
            client.groups().await.expect("the new token works");
            sim.shutdown().await;
        });
    }
}

secret_service_test! {
    fn the_env_token_wins_and_is_never_written(keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = DataDir::open(tmp.path()).expect("data dir");
            let settings = Some(AccountSettings::path(&dir));
            let headless = Account::new(
                config(&sim),
                Keyring::platform(),
                Some(token(sim.token())),
                settings.clone(),
            );
            let signed_in = headless.verify().await.expect("the env token is valid");
            assert!(!signed_in.user_name.is_empty());
            assert_eq!(keyring.lookup(KEYRING_SERVICE, sim.base_url()), None);
            assert!(!keyring.search(KEYRING_SERVICE).contains("Orrery"), "no item at all");
            assert_eq!(
                AccountSettings::load(&dir).expect("loads").map(|s| s.base_url).as_deref(),
                Some(sim.base_url()),
                "the service is remembered for later runs"
            );
            assert_nowhere_in(tmp.path(), sim.token());

            // With a different token in the keyring, the environment's is the one used.
            let stored = sim.issue_token();
            Account::new(config(&sim), Keyring::platform(), None, settings.clone())
                .sign_in(token(&stored))
                .await
                .expect("signs in");
            let used = headless.token().await.expect("reads").expect("a token");
            assert_eq!(used.expose_secret(), sim.token());
            assert_eq!(keyring.lookup(KEYRING_SERVICE, sim.base_url()), Some(stored));
            sim.shutdown().await;
        });
    }
}

/// `ORRERY_TOKEN` from the real process environment, and a D-Bus address that leads nowhere:
/// the keyring is unreachable, which is `NoKeyring` and never a silent fallback, while the
/// environment's token still works.
#[test]
fn no_keyring_when_the_session_bus_leads_nowhere() {
    if !cfg!(target_os = "linux") {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("SKIPPED: DBUS_SESSION_BUS_ADDRESS only decides the keyring on Linux");
        }
        return;
    }
    secret_service::rerun_with_env(
        secret_service::test_name(
            module_path!(),
            "no_keyring_when_the_session_bus_leads_nowhere",
        ),
        &[
            (
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/orrery-test-bus",
            ),
            (TOKEN_ENV, STRANGER),
        ],
        || {
            block_on(async {
                let sim = sim().await;
                let tmp = tempfile::tempdir().expect("tempdir");
                let dir = DataDir::open(tmp.path()).expect("data dir");

                let headless = Account::open(&dir, config(&sim)).expect("account");
                assert!(
                    headless.has_env_override(),
                    "{TOKEN_ENV} is read from the environment"
                );
                let from_env = headless
                    .token()
                    .await
                    .expect("no keyring needed")
                    .expect("token");
                assert_eq!(from_env.expose_secret(), STRANGER);

                let account = Account::new(config(&sim), Keyring::platform(), None, None);
                let err = account.token().await.expect_err("no keyring");
                assert!(matches!(err, AccountError::NoKeyring { .. }), "{err:?}");
                let text = err.to_string();
                assert!(
                    text.contains(TOKEN_ENV),
                    "the message says what to do: {text}"
                );
                let err = account
                    .sign_in(token(sim.token()))
                    .await
                    .expect_err("cannot store");
                assert!(matches!(err, AccountError::NoKeyring { .. }), "{err:?}");
                assert_eq!(account.state(), AccountState::SignedOut);
                assert_eq!(account.sign_out().await.map(|_| ()), Err(err));

                // Nothing fell back to a file.
                assert_nowhere_in(tmp.path(), sim.token());
                sim.shutdown().await;
            });
        },
    );
}

#[test]
fn an_unreachable_service_leaves_the_account_unverified() {
    // Pure logic, no keyring: an unreachable service leaves the stored token alone.
    block_on(async {
        let store = keyring_core::mock::Store::new().expect("mock store");
        let config = ClientConfig {
            pacing: Pacing::none(),
            retry: RetryPolicy::never(),
            connect_timeout: Duration::from_secs(2),
            // Port 9 (discard) on loopback: nothing listens, the connection is refused.
            ..ClientConfig::with_base_url("http://127.0.0.1:9")
        };
        let account = Account::new(
            config,
            Keyring::from_store(store),
            Some(token(STRANGER)),
            None,
        );
        assert_eq!(account.restore().await, Ok(AccountState::Unverified));
    });
}
