//! The ZSXQ account: one access token, checked with the service, kept in the OS keyring.
//!
//! [`Account`] is the handle the shell, the CLI and the sync engine share (cheap to clone):
//!
//! * [`Account::open`] / [`Account::open_saved`] build the app's account for a [`DataDir`]: the
//!   platform keyring, `ORRERY_TOKEN` ([`TOKEN_ENV`]) when set, and the non-secret
//!   [`AccountSettings`] (base URL, user) in `account.json` — `open_saved` talks to the base URL
//!   remembered from the last sign-in, so `login --base-url` against a simulator sticks.
//! * [`Account::sign_in`] checks a pasted [`AccessToken`] against `/v3/users/self` and stores it
//!   only once the service accepted it; a 401 is [`AccountError::TokenRejected`].
//! * [`Account::verify`] checks the token already in use (keyring or `ORRERY_TOKEN`);
//!   [`Account::restore`] does the same at start-up and turns the outcome into a state.
//! * [`Account::token`] gives the token to use: `ORRERY_TOKEN` when set, which is never written
//!   anywhere, else the keyring's. [`Account::client`] gives the one [`Client`] of the account,
//!   so every request of the account shares one pacing budget.
//! * [`Account::sign_out`] removes the stored token.
//! * [`Account::web_login`] says where the service's own sign-in page is ([`WebLogin`]), for the
//!   shell's login window, whose cookie then goes through [`Account::sign_in`] like a pasted
//!   token.
//! * [`Account::subscribe`] publishes the [`AccountState`] (`SignedOut`, `Unverified`,
//!   `SignedIn`, `NeedsLogin`) through a `tokio::sync::watch`; [`Account::observe`] feeds it
//!   every API result, so a 401 anywhere means `NeedsLogin` and `x-expire-in` keeps the
//!   [`Expiry`] current (a warning is due within [`EXPIRY_WARNING`], a week).
//!
//! The token lives in a [`Keyring`] under the service [`KEYRING_SERVICE`], one entry per API
//! base URL (see [`Account::entry_name`] for why). When no keyring can be reached, every keyring
//! operation fails with [`AccountError::NoKeyring`]; there is no file or memory fallback.
//! `docs/account.md` describes where the token lives on each OS.
//!
//! The token never reaches `Debug` output, error messages, `tracing` fields or the settings
//! file: [`AccessToken`] redacts itself, and keyring errors are described in words (see
//! [`AccountError`]).

mod error;
mod keyring;
mod settings;
mod state;
mod web_login;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use zsxq::client::{AccessToken, Client, ClientConfig, InvalidToken, Response};
use zsxq::{ApiError, UserId};

use crate::paths::DataDir;

pub use error::AccountError;
pub use keyring::{KEYRING_SERVICE, Keyring};
pub use settings::{AccountSettings, SETTINGS_FILE};
pub use state::{AccountState, EXPIRY_WARNING, Expiry};
pub use web_login::{TOKEN_COOKIE, WebLogin, forget_login_webview, login_webview_dir};

/// The environment variable that overrides the keyring, for headless use (a home server
/// archiving circles). Read once when the [`Account`] is opened; never stored.
pub const TOKEN_ENV: &str = "ORRERY_TOKEN";

/// The signed-in (or signed-out) ZSXQ account for one API base URL.
#[derive(Clone)]
pub struct Account {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    entry: String,
    keyring: Keyring,
    env_token: Option<AccessToken>,
    /// `account.json`, when the account belongs to a data directory.
    settings: Option<PathBuf>,
    /// The account's client, built once per token so all its requests share one pacer.
    client: Mutex<Option<Client>>,
    state: watch::Sender<AccountState>,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("entry", &self.inner.entry)
            .field("keyring", &self.inner.keyring)
            .field("env_override", &self.inner.env_token.is_some())
            .field("settings", &self.inner.settings)
            .field("state", &*self.inner.state.borrow())
            .finish()
    }
}

/// What a successful [`Account::sign_in`] learned.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The account's id, when the service sent one.
    pub user_id: Option<UserId>,
    /// The account's name.
    pub user_name: String,
    /// The token's remaining lifetime, when the service said (`x-expire-in`).
    pub expiry: Option<Expiry>,
    /// The client that checked the token. It is also what [`Account::client`] hands out from
    /// now on (unless `ORRERY_TOKEN` overrides the token), so every user of the account shares
    /// its pacing budget.
    pub client: Client,
}

impl From<InvalidToken> for AccountError {
    fn from(err: InvalidToken) -> Self {
        Self::InvalidToken(err)
    }
}

impl Account {
    /// The app's account in `dir`, talking to `config.base_url`: the OS keyring, overridden by
    /// `ORRERY_TOKEN` when that is set; a successful sign-in remembers the base URL and the
    /// user in `dir` (see [`AccountSettings`]).
    ///
    /// Does not touch the keyring or the network yet (a headless run with `ORRERY_TOKEN`
    /// needs no keyring); call [`Account::restore`] at start-up to learn the state.
    ///
    /// Without an `aduid` in `config`, the client sends the installation's, from `dir`'s
    /// settings ([`crate::settings::Settings::aduid`]): the app and the CLI present one
    /// installation to the service.
    pub fn open(dir: &DataDir, mut config: ClientConfig) -> Result<Self, AccountError> {
        if config.aduid.is_none() {
            config.aduid = Some(crate::settings::Settings::new(dir).aduid());
        }
        Ok(Self::new(
            config,
            Keyring::platform(),
            env_token()?,
            Some(AccountSettings::path(dir)),
        ))
    }

    /// Like [`Account::open`], but talking to the base URL remembered from the last sign-in in
    /// `dir`, if there was one (else `config.base_url`, by default the real service).
    pub fn open_saved(dir: &DataDir, mut config: ClientConfig) -> Result<Self, AccountError> {
        if let Some(saved) = AccountSettings::load(dir)? {
            config.base_url = saved.base_url;
        }
        Self::open(dir, config)
    }

    /// An account with an explicit keyring, override and settings file (tests, embedding).
    /// Without a settings file nothing is remembered between runs.
    pub fn new(
        config: ClientConfig,
        keyring: Keyring,
        env_token: Option<AccessToken>,
        settings: Option<PathBuf>,
    ) -> Self {
        let entry = entry_name(&config.base_url);
        let (state, _) = watch::channel(AccountState::SignedOut);
        Self {
            inner: Arc::new(Inner {
                config,
                entry,
                keyring,
                env_token,
                settings,
                client: Mutex::new(None),
                state,
            }),
        }
    }

    /// The keyring entry (the "user" under [`KEYRING_SERVICE`]) holding this account's token:
    /// the API base URL without a trailing slash, e.g. `https://api.zsxq.com`.
    ///
    /// One entry per base URL rather than a single `default` one, because a token is only
    /// meaningful to the service that issued it: signing in to a simulator or a proxy must not
    /// overwrite the real account's token, and a token checked against one URL is never sent
    /// to another. A user of the real service has exactly one entry.
    pub fn entry_name(&self) -> &str {
        &self.inner.entry
    }

    /// The client settings tokens are checked with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The API base URL this account talks to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.entry
    }

    /// The settings remembered in the data directory, if the account has one and they were
    /// saved (at a sign-in or a successful check).
    pub fn settings(&self) -> Result<Option<AccountSettings>, AccountError> {
        match &self.inner.settings {
            Some(path) => AccountSettings::load_from(path),
            None => Ok(None),
        }
    }

    /// Where the service's own sign-in page is, for the shell's login window: the page set as
    /// `login_page` in `account.json`, else the one that belongs to the base URL.
    pub fn web_login(&self) -> Result<WebLogin, AccountError> {
        WebLogin::for_service(&self.inner.entry, self.login_page().as_deref())
    }

    /// `login_page` from `account.json`, kept when the file is written again.
    fn login_page(&self) -> Option<String> {
        self.settings().ok().flatten().and_then(|s| s.login_page)
    }

    /// Whether `ORRERY_TOKEN` was set: then [`Account::token`] ignores the keyring.
    pub fn has_env_override(&self) -> bool {
        self.inner.env_token.is_some()
    }

    /// Checks `token` with the service (`GET /v3/users/self`) and, only if it was accepted,
    /// stores it in the keyring, replacing any earlier one, and publishes `SignedIn`.
    ///
    /// A refused token ([`AccountError::TokenRejected`]) or an unreachable service leaves the
    /// keyring and the state as they were.
    pub async fn sign_in(&self, token: AccessToken) -> Result<SignedIn, AccountError> {
        let candidate = Client::new(self.inner.config.clone(), token.clone())?;
        let signed_in = self.check(candidate).await?;
        self.on_keyring(move |keyring, entry| keyring.write(entry, token.expose_secret()))
            .await?;
        // The environment's token stays in force (see `token`), so the client must stay the
        // one built from it.
        if !self.has_env_override() {
            self.set_client(Some(signed_in.client.clone()));
        }
        self.publish(&signed_in);
        self.remember(&signed_in)?;
        tracing::info!(entry = %self.inner.entry, "signed in to ZSXQ");
        if self.has_env_override() {
            tracing::info!("{TOKEN_ENV} is set and takes precedence over the stored token");
        }
        Ok(signed_in)
    }

    /// Checks the token in use (`ORRERY_TOKEN`, else the keyring's) with the service, without
    /// storing anything secret: on success publishes `SignedIn` and remembers the base URL and
    /// the user; a 401 publishes `NeedsLogin` and is [`AccountError::TokenRejected`]; no token
    /// at all is [`AccountError::NotSignedIn`]. This is how a headless run signs in with
    /// `ORRERY_TOKEN`.
    pub async fn verify(&self) -> Result<SignedIn, AccountError> {
        // The account's own client, so a check spends the same pacing budget as a running
        // sync instead of starting a second one.
        let client = self.client().await?;
        match self.check(client).await {
            Ok(signed_in) => {
                self.publish(&signed_in);
                self.remember(&signed_in)?;
                Ok(signed_in)
            }
            Err(AccountError::TokenRejected) => {
                self.mark_needs_login();
                Err(AccountError::TokenRejected)
            }
            Err(err) => Err(err),
        }
    }

    /// The account's [`Client`], built from [`Account::token`] on first use and shared after
    /// that, so the sync engine, the UI and the CLI spend one pacing budget. After a new
    /// sign-in it is the client of the new token: fetch it again after `NeedsLogin`.
    pub async fn client(&self) -> Result<Client, AccountError> {
        if let Some(client) = self.cached_client() {
            return Ok(client);
        }
        let token = self.token().await?.ok_or(AccountError::NotSignedIn)?;
        let client = Client::new(self.inner.config.clone(), token)?;
        // Two first callers may race; the first client stored wins so there stays one pacer.
        let mut slot = self.lock_client();
        Ok(slot.get_or_insert(client).clone())
    }

    /// The token to use: `ORRERY_TOKEN` if set, else the keyring's, else `None`.
    pub async fn token(&self) -> Result<Option<AccessToken>, AccountError> {
        if let Some(token) = &self.inner.env_token {
            return Ok(Some(token.clone()));
        }
        let stored = self
            .on_keyring(|keyring, entry| keyring.read(entry))
            .await?;
        stored
            .map(|text| {
                AccessToken::new(text).map_err(|_| AccountError::Keyring {
                    reason: "the stored token is unreadable; sign in again to replace it"
                        .to_owned(),
                })
            })
            .transpose()
    }

    /// Removes the stored token, forgets the user (the base URL stays remembered, so the next
    /// sign-in goes to the same service) and publishes `SignedOut`. Returns whether a token was
    /// stored; removing one that is not there is not an error. `ORRERY_TOKEN`, if set, stays
    /// in force: unset it to sign out of a headless run.
    pub async fn sign_out(&self) -> Result<bool, AccountError> {
        let removed = self
            .on_keyring(|keyring, entry| keyring.delete(entry))
            .await?;
        if !self.has_env_override() {
            self.set_client(None);
        }
        if let Some(path) = &self.inner.settings {
            let forgotten = AccountSettings {
                base_url: self.inner.entry.clone(),
                user_id: None,
                user_name: None,
                login_page: self.login_page(),
            };
            forgotten.save_to(path)?;
        }
        self.inner.state.send_replace(AccountState::SignedOut);
        tracing::info!(entry = %self.inner.entry, removed, "signed out of ZSXQ");
        Ok(removed)
    }

    /// Learns the state at start-up: no token is `SignedOut`; a token the service accepts is
    /// `SignedIn`, one it refuses `NeedsLogin`; when the service cannot be asked (offline) the
    /// token is kept and the state is `Unverified`. Keyring failures are errors.
    pub async fn restore(&self) -> Result<AccountState, AccountError> {
        match self.verify().await {
            Ok(_) | Err(AccountError::TokenRejected) => {}
            Err(AccountError::NotSignedIn) => {
                self.inner.state.send_replace(AccountState::SignedOut);
            }
            Err(AccountError::Service(err)) => {
                tracing::warn!(error = %err, "could not check the ZSXQ token; continuing unverified");
                self.inner.state.send_replace(AccountState::Unverified);
            }
            Err(err) => return Err(err),
        }
        Ok(self.state())
    }

    /// The current state.
    pub fn state(&self) -> AccountState {
        self.inner.state.borrow().clone()
    }

    /// A receiver that sees every state change (and, on `x-expire-in` updates, only those that
    /// matter: the first lifetime and the start of the warning).
    pub fn subscribe(&self) -> watch::Receiver<AccountState> {
        self.inner.state.subscribe()
    }

    /// Records that the service answered HTTP 401: the user must sign in again. The stored
    /// token is kept (it is useless, but deleting the user's data on a server's word is not
    /// this module's call); a new sign-in replaces it.
    pub fn mark_needs_login(&self) {
        let changed = self.inner.state.send_if_modified(|state| {
            let changed = *state != AccountState::NeedsLogin;
            *state = AccountState::NeedsLogin;
            changed
        });
        if changed {
            tracing::warn!(entry = %self.inner.entry, "ZSXQ refused the token (HTTP 401); sign in again");
        }
    }

    /// Records the token's remaining lifetime (`x-expire-in`) and says whether to warn.
    ///
    /// Updates a `SignedIn` state's `expires_in`; watchers are woken only when the first
    /// lifetime arrives or the warning starts or stops, not on every response.
    pub fn note_expiry(&self, remaining: Duration) -> Expiry {
        let expiry = Expiry::new(remaining);
        self.inner
            .state
            .send_if_modified(|state: &mut AccountState| match state {
                AccountState::SignedIn { expires_in, .. } => {
                    let before = expires_in.map(Expiry::new);
                    *expires_in = Some(remaining);
                    before.is_none_or(|before| before.warn != expiry.warn)
                }
                _ => false,
            });
        if expiry.warn {
            tracing::debug!(
                remaining_hours = remaining.as_secs() / 3600,
                "the ZSXQ token ends within a week"
            );
        }
        expiry
    }

    /// The token's remaining lifetime as last reported, and whether a warning is due.
    pub fn expiry(&self) -> Option<Expiry> {
        self.inner.state.borrow().expiry()
    }

    /// Feeds an API result into the state: a 401 means `NeedsLogin`, a success with
    /// `x-expire-in` updates the [`Expiry`] (returned). The sync engine calls this on every
    /// response.
    pub fn observe<T>(&self, result: &Result<Response<T>, ApiError>) -> Option<Expiry> {
        match result {
            Ok(response) => response.expires_in.map(|left| self.note_expiry(left)),
            Err(ApiError::Unauthorized) => {
                self.mark_needs_login();
                None
            }
            Err(_) => None,
        }
    }

    /// Asks the service who `token` belongs to.
    async fn check(&self, client: Client) -> Result<SignedIn, AccountError> {
        match client.self_user().await {
            Ok(response) => {
                let user = response.data.user;
                Ok(SignedIn {
                    user_id: user.id(),
                    user_name: user.name,
                    expiry: response.expires_in.map(Expiry::new),
                    client,
                })
            }
            Err(ApiError::Unauthorized) => Err(AccountError::TokenRejected),
            Err(err) => Err(AccountError::Service(err)),
        }
    }

    fn publish(&self, signed_in: &SignedIn) {
        self.inner.state.send_replace(AccountState::SignedIn {
            user_name: signed_in.user_name.clone(),
            expires_in: signed_in.expiry.map(|expiry| expiry.remaining),
        });
    }

    /// Saves the base URL and who signed in, when the account has a data directory.
    fn remember(&self, signed_in: &SignedIn) -> Result<(), AccountError> {
        let Some(path) = &self.inner.settings else {
            return Ok(());
        };
        let settings = AccountSettings {
            base_url: self.inner.entry.clone(),
            user_id: signed_in.user_id,
            user_name: Some(signed_in.user_name.clone()),
            login_page: self.login_page(),
        };
        settings.save_to(path)
    }

    fn lock_client(&self) -> std::sync::MutexGuard<'_, Option<Client>> {
        // The slot holds a finished value or nothing; a panic elsewhere cannot half-write it.
        self.inner
            .client
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn cached_client(&self) -> Option<Client> {
        self.lock_client().clone()
    }

    fn set_client(&self, client: Option<Client>) {
        *self.lock_client() = client;
    }

    /// Runs a keyring operation on the blocking pool: it is a D-Bus round trip (or a system
    /// call) that may wait for an unlock prompt.
    async fn on_keyring<T: Send + 'static>(
        &self,
        op: impl FnOnce(&Keyring, &str) -> Result<T, AccountError> + Send + 'static,
    ) -> Result<T, AccountError> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || op(&inner.keyring, &inner.entry))
            .await
            .map_err(|err| AccountError::Keyring {
                reason: format!("the keyring operation stopped: {err}"),
            })?
    }
}

/// `ORRERY_TOKEN` from the process environment: `None` when unset or blank.
pub fn env_token() -> Result<Option<AccessToken>, AccountError> {
    let Some(value) = std::env::var_os(TOKEN_ENV) else {
        return Ok(None);
    };
    // Not `to_str()?`-style: a non-UTF-8 value becomes U+FFFD, which the token check refuses
    // with a position, without the value ever being formatted.
    let value = value.to_string_lossy().into_owned();
    if value.trim().is_empty() {
        return Ok(None);
    }
    AccessToken::new(value)
        .map(Some)
        .map_err(AccountError::InvalidEnvToken)
}

fn entry_name(base_url: &str) -> String {
    base_url.trim().trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests;
