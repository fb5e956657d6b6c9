//! The account's state logic. These run against keyring-core's mock store — a fake, used
//! because nothing here is about the keyring; `tests/account` covers the real Secret Service.

use super::*;

const TOKEN: &str = "0C7D5B83-1738-752B-67FE-B057A0866AF1_9A1B2C3D4E5F6071";
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

fn account(env_token: Option<&str>) -> Account {
    let store = keyring_core::mock::Store::new().expect("mock store");
    let env_token = env_token.map(|t| AccessToken::new(t).expect("valid token"));
    Account::new(
        ClientConfig::with_base_url("http://127.0.0.1:9/"),
        Keyring::from_store(store),
        env_token,
        None,
    )
}

fn signed_in(account: &Account, expires_in: Option<Duration>) {
    account.inner.state.send_replace(AccountState::SignedIn {
        user_name: "星主".into(),
        expires_in,
    });
}

#[test]
fn entries_are_named_by_base_url_without_trailing_slash() {
    assert_eq!(account(None).entry_name(), "http://127.0.0.1:9");
    assert_eq!(
        entry_name(" https://api.zsxq.com/ "),
        "https://api.zsxq.com"
    );
}

#[test]
fn a_401_anywhere_means_needs_login() {
    let account = account(None);
    signed_in(&account, Some(20 * DAY));
    let mut watcher = account.subscribe();
    watcher.mark_unchanged();
    let refused: Result<Response<()>, ApiError> = Err(ApiError::Unauthorized);
    assert_eq!(account.observe(&refused), None);
    assert!(watcher.has_changed().expect("sender alive"));
    assert_eq!(*watcher.borrow_and_update(), AccountState::NeedsLogin);
    // A second 401 changes nothing and wakes nobody.
    account.mark_needs_login();
    assert!(!watcher.has_changed().expect("sender alive"));
    // Other failures are not about the sign-in.
    let busy: Result<Response<()>, ApiError> = Err(ApiError::TooFrequent);
    signed_in(&account, None);
    account.observe(&busy);
    assert!(matches!(account.state(), AccountState::SignedIn { .. }));
}

#[test]
fn expiry_updates_wake_watchers_only_when_the_warning_starts() {
    let account = account(None);
    signed_in(&account, None);
    let mut watcher = account.subscribe();
    watcher.mark_unchanged();

    let ok = |days| -> Result<Response<()>, ApiError> {
        Ok(Response {
            data: (),
            expires_in: Some(days * DAY),
        })
    };
    let first = account.observe(&ok(20)).expect("an expiry");
    assert!(!first.warn);
    assert!(
        watcher.has_changed().expect("sender alive"),
        "first lifetime"
    );
    watcher.mark_unchanged();

    account.observe(&ok(19));
    assert!(!watcher.has_changed().expect("sender alive"));
    assert_eq!(account.expiry().map(|e| e.remaining), Some(19 * DAY));

    let soon = account.note_expiry(3 * DAY);
    assert!(soon.warn);
    assert!(
        watcher.has_changed().expect("sender alive"),
        "warning starts"
    );
    assert_eq!(
        account.expiry(),
        Some(Expiry {
            remaining: 3 * DAY,
            warn: true
        })
    );
}

#[test]
fn expiry_is_not_invented_for_a_signed_out_account() {
    let account = account(None);
    let expiry = account.note_expiry(2 * DAY);
    assert!(expiry.warn, "the caller still learns a warning is due");
    assert_eq!(account.state(), AccountState::SignedOut);
    assert_eq!(account.expiry(), None);
}

#[tokio::test]
async fn the_env_override_wins_without_touching_the_store() {
    let account = account(Some(TOKEN));
    assert!(account.has_env_override());
    let token = account.token().await.expect("no keyring needed");
    assert_eq!(
        token.map(|t| t.expose_secret().to_owned()).as_deref(),
        Some(TOKEN)
    );
    assert_eq!(account.inner.keyring.read(account.entry_name()), Ok(None));
}

#[test]
fn debug_output_never_contains_the_token() {
    let account = account(Some(TOKEN));
    let text = format!("{account:?} {account:#?}");
    assert!(!text.contains("0C7D5B83"), "{text}");
    assert!(text.contains("env_override: true"), "{text}");
}

#[test]
fn error_messages_speak_plainly() {
    assert_eq!(
        AccountError::TokenRejected.to_string(),
        "this token is not valid or has expired; copy a fresh zsxq_access_token from the \
         browser and sign in again"
    );
    let no_keyring = AccountError::NoKeyring {
        reason: "the keyring could not be reached: connection refused".into(),
    };
    let text = no_keyring.to_string();
    assert!(text.contains("connection refused"), "{text}");
    assert!(text.contains("only in the system keyring"), "{text}");
    assert!(text.contains(TOKEN_ENV), "{text}");
    let pasted = AccountError::from(AccessToken::new("a;b").expect_err("invalid"));
    assert!(!pasted.to_string().contains("a;b"), "{pasted}");
}
