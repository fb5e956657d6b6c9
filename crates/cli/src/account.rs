//! `login`, `logout` and `status`: the account from a terminal or a script; and the signed-in
//! client the commands that talk to the service share.
//!
//! The token is read from stdin (`--token-stdin`) or `ORRERY_TOKEN`, never from the command
//! line, where `ps` and shell history would show it; it is never printed. `login --base-url`
//! is remembered in the data directory (by the core's `AccountSettings`), so later commands
//! talk to the same service without repeating it.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use anyhow::Context;
use orrery_core::account::{Account, AccountError, AccountState, Expiry, TOKEN_ENV};
use orrery_core::paths::DataDir;
use orrery_core::store::{ARCHIVE_FILE, Store, SyncScope, SyncState};
use orrery_core::sync::SyncOptions;
use zsxq::client::{AccessToken, ClientConfig, RetryPolicy, TopicScope};

use crate::terminal::safe;

/// The client settings `login` remembered (the base URL), for commands that talk to the
/// service.
pub fn saved_config(dir: &DataDir) -> anyhow::Result<ClientConfig> {
    Ok(Account::open_saved(dir, ClientConfig::default())?
        .config()
        .clone())
}

/// The account signed in to `dir` with `config`, and its client; a sign-in error (exit code
/// 3) when there is no usable token.
pub async fn signed_in(
    dir: &DataDir,
    config: ClientConfig,
) -> anyhow::Result<(Account, zsxq::Client)> {
    let account = Account::open(dir, config)?;
    match account.restore().await? {
        AccountState::SignedOut => return Err(AccountError::NotSignedIn.into()),
        AccountState::NeedsLogin => return Err(AccountError::TokenRejected.into()),
        AccountState::SignedIn { .. } | AccountState::Unverified => {}
    }
    let client = account.client().await?;
    Ok((account, client))
}

/// `login [--base-url URL] [--token-stdin]`.
pub async fn login(
    dir: &DataDir,
    base_url: Option<String>,
    token_stdin: bool,
) -> anyhow::Result<()> {
    let account = match base_url {
        Some(url) => Account::open(dir, ClientConfig::with_base_url(url))?,
        None => Account::open_saved(dir, ClientConfig::default())?,
    };
    let signed_in = if token_stdin {
        let token = read_token()?;
        account.sign_in(token).await?
    } else if account.has_env_override() {
        account.verify().await?
    } else {
        anyhow::bail!(
            "no token given: pipe it in with --token-stdin (a token is never accepted as an \
             argument, where other users and the shell history could see it), or set \
             {TOKEN_ENV} for headless use"
        );
    };
    let mut out = std::io::stdout().lock();
    let id = signed_in
        .user_id
        .map(|id| format!(" (user {id})"))
        .unwrap_or_default();
    writeln!(
        out,
        "signed in to {} as {}{id}",
        account.base_url(),
        safe(&signed_in.user_name)
    )?;
    if token_stdin {
        writeln!(out, "the token is stored in the system keyring")?;
        if account.has_env_override() {
            warn(&format!(
                "{TOKEN_ENV} is set and is used instead of the stored token until it is unset"
            ));
        }
    } else {
        writeln!(
            out,
            "using the token from {TOKEN_ENV}; it is not stored anywhere"
        )?;
    }
    if let Some(expiry) = signed_in.expiry {
        report_expiry(&mut out, expiry)?;
    }
    Ok(())
}

/// `logout`: removes the stored token of the remembered service, and what the app's login
/// window left on disk.
pub async fn logout(dir: &DataDir, delete_archive: bool) -> anyhow::Result<()> {
    if delete_archive && archive_in_use(dir)? {
        anyhow::bail!(
            "the archive is open in Orrery or another orrery-cli: quit it, then sign out with --delete-archive again"
        );
    }
    let account = Account::open_saved(dir, ClientConfig::default())?;
    let removed = account.sign_out().await?;
    // The desktop app's login window may have left its webview data here.
    orrery_core::account::forget_login_webview(dir)?;
    let mut out = std::io::stdout().lock();
    if removed {
        writeln!(
            out,
            "signed out of {}: the token was removed from the system keyring",
            account.base_url()
        )?;
    } else {
        writeln!(
            out,
            "no token for {} was stored; nothing to remove",
            account.base_url()
        )?;
    }
    if account.has_env_override() {
        warn(&format!(
            "{TOKEN_ENV} is still set and keeps signing in; unset it to sign out of a headless run"
        ));
    }
    if delete_archive {
        let freed = orrery_core::paths::delete_archive(dir)?;
        writeln!(
            out,
            "the archive was deleted from {} ({freed} bytes)",
            dir.root().display()
        )?;
    }
    Ok(())
}

/// Whether a session (the app's, or a `sync`/`watch`) has the archive open: it holds a shared
/// lock on the media cache's lease for as long as it is open, so an exclusive one is refused.
fn archive_in_use(dir: &DataDir) -> anyhow::Result<bool> {
    let path = dir.root().join(orrery_core::media::LEASE_FILE);
    if !path.exists() {
        return Ok(false);
    }
    let file = orrery_core::paths::open_lock_file(&path)?;
    Ok(match file.try_lock() {
        Ok(()) => false,
        Err(std::fs::TryLockError::WouldBlock) => true,
        Err(std::fs::TryLockError::Error(err)) => return Err(err.into()),
    })
}

/// `status`: who is signed in where, how long the token lasts, and what the archive holds.
///
/// Asks the service once (without retries, so an unreachable service answers quickly); a
/// keyring failure is reported after the archive, and makes the command fail.
pub async fn status(dir: &DataDir) -> anyhow::Result<()> {
    let config = ClientConfig {
        retry: RetryPolicy::never(),
        request_timeout: Duration::from_secs(15),
        ..ClientConfig::default()
    };
    let account = Account::open_saved(dir, config)?;
    let settings = account.settings()?;
    let restored = account.restore().await;
    let mut out = std::io::stdout().lock();
    let known_user = || {
        settings
            .as_ref()
            .and_then(|s| s.user_name.clone())
            .map(|name| format!(" (last signed in as {name})"))
            .unwrap_or_default()
    };
    let line = match &restored {
        Ok(AccountState::SignedIn { user_name, .. }) => {
            let id = settings
                .as_ref()
                .and_then(|s| s.user_id)
                .map(|id| format!(" (user {id})"))
                .unwrap_or_default();
            format!("signed in as {user_name}{id}")
        }
        Ok(AccountState::SignedOut) => "signed out: run `orrery-cli login`".to_owned(),
        Ok(AccountState::NeedsLogin) => format!(
            "needs sign-in: the service refused the token (HTTP 401){}; run `orrery-cli login` \
             with a fresh token",
            known_user()
        ),
        Ok(AccountState::Unverified) => format!(
            "not verified: the service could not be reached{}",
            known_user()
        ),
        // The error itself ends the command, on stderr.
        Err(_) => format!("unknown{} (see the error below)", known_user()),
    };
    writeln!(out, "account:  {}", safe(&line))?;
    writeln!(out, "service:  {}", account.base_url())?;
    let source = if account.has_env_override() {
        format!("{TOKEN_ENV} (not stored)")
    } else {
        "system keyring".to_owned()
    };
    if !matches!(restored, Ok(AccountState::SignedOut) | Err(_)) {
        writeln!(out, "token:    from {source}")?;
    }
    if let Some(expiry) = account.expiry() {
        report_expiry(&mut out, expiry)?;
    }
    archive(&mut out, dir).await?;
    match restored {
        Err(err) => Err(err.into()),
        Ok(_) => Ok(()),
    }
}

/// The per-circle part of `status`, when there is an archive. Never creates one.
async fn archive(out: &mut impl Write, dir: &DataDir) -> anyhow::Result<()> {
    let path = dir.root().join(ARCHIVE_FILE);
    if !path.is_file() {
        writeln!(out, "archive:  none yet ({})", path.display())?;
        return Ok(());
    }
    let store = Store::open(dir).await.context("opening the archive")?;
    let counts = store.counts().await?;
    let circles = store.circles().await?;
    writeln!(
        out,
        "archive:  {} ({} circles)",
        path.display(),
        counts.circles.len()
    )?;
    // The window the sync re-reads on every run (docs/sync.md, "Edits and deletions").
    writeln!(
        out,
        "          each sync re-reads the newest {} topics of every circle for edits and deletions",
        SyncOptions::default().refresh_topics
    )?;
    for circle in &circles {
        let id = circle.group_id.to_string();
        let Some(count) = counts.circles.iter().find(|c| c.group_id == id) else {
            continue;
        };
        let states = store.sync_states(circle.group_id).await?;
        writeln!(
            out,
            "  {id} {}: {} topics, {} comments, {} answered; {}",
            safe(&circle.name),
            count.topics,
            count.comments,
            count.answered,
            describe_sync(&states)
        )?;
    }
    store.close().await;
    Ok(())
}

/// A circle's sync state in words, from its main list (the 最新 tab).
fn describe_sync(states: &[SyncState]) -> String {
    let Some(all) = states
        .iter()
        .find(|s| s.scope == SyncScope::Tab(TopicScope::All))
    else {
        return "not synced yet".to_owned();
    };
    let mut text = if all.cursor.exhausted {
        "whole history archived".to_owned()
    } else {
        match all.cursor.backfill_end_time {
            Some(reached) => format!("older history still to fetch (reached {reached})"),
            None => "first sync in progress".to_owned(),
        }
    };
    if all.cursor.catch_up.is_some() {
        text.push_str("; newest topics still catching up");
    }
    if states.iter().any(|s| s.expired) {
        text.push_str("; membership expired (14210)");
    }
    text
}

fn report_expiry(out: &mut impl Write, expiry: Expiry) -> std::io::Result<()> {
    let days = expiry.remaining.as_secs() / 86_400;
    let hours = expiry.remaining.as_secs() / 3_600 % 24;
    writeln!(out, "expires:  in {days} days {hours} hours")?;
    if expiry.warn {
        warn(
            "the ZSXQ token ends within a week: copy a fresh zsxq_access_token from the browser \
             and run `orrery-cli login` again before it does",
        );
    }
    Ok(())
}

/// A warning for the person at the terminal, on stderr so scripts reading stdout are not
/// confused by it.
#[allow(clippy::print_stderr)]
fn warn(text: &str) {
    eprintln!("warning: {text}");
}

/// Reads the token from the first line of stdin. A person typing or pasting it at a terminal
/// is prompted and the terminal does not echo it: a token on the screen ends up in
/// scrollback, screen shares and terminal logs.
fn read_token() -> anyhow::Result<AccessToken> {
    let stdin = std::io::stdin();
    let line = if stdin.is_terminal() {
        rpassword::prompt_password(
            "Paste your zsxq_access_token and press Enter (it is not shown): ",
        )
        .context("reading the token from the terminal")?
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("reading the token from stdin")?;
        line
    };
    if line.trim().is_empty() {
        anyhow::bail!("stdin held no token: pipe in the zsxq_access_token value");
    }
    AccessToken::new(line).map_err(|err| AccountError::from(err).into())
}

/// The exit code for an account failure a script may want to tell apart.
pub fn exit_code(err: &anyhow::Error) -> Option<u8> {
    match err.downcast_ref::<AccountError>()? {
        AccountError::TokenRejected | AccountError::NotSignedIn => Some(3),
        AccountError::NoKeyring { .. } => Some(4),
        _ => None,
    }
}
