//! [`AccountError`]: why signing in, reading the token or signing out failed.
//!
//! Every message is meant for the user and is safe to log: none quotes the token, and keyring
//! failures are turned into text here (see `keyring::describe`) rather than carried as
//! `keyring_core::Error`, whose variants may hold the stored bytes.

use zsxq::ApiError;
use zsxq::client::{ClientError, InvalidToken};

use super::TOKEN_ENV;

/// Why an [`Account`](super::Account) operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AccountError {
    /// The pasted text is not a token at all (empty, or characters a cookie cannot carry).
    #[error("this is not a ZSXQ access token: {0}")]
    InvalidToken(InvalidToken),
    /// `ORRERY_TOKEN` is set to something that is not a token.
    #[error("{TOKEN_ENV} is set but does not hold a usable ZSXQ access token: {0}")]
    InvalidEnvToken(InvalidToken),
    /// The service answered HTTP 401 to the token being signed in with.
    #[error(
        "this token is not valid or has expired; copy a fresh zsxq_access_token from the browser \
         and sign in again"
    )]
    TokenRejected,
    /// There is no token to use: nothing in the keyring and `ORRERY_TOKEN` unset.
    #[error("not signed in to ZSXQ: sign in with an access token first, or set {TOKEN_ENV}")]
    NotSignedIn,
    /// The token could not be checked: the service was unreachable or answered with an error
    /// other than 401. Nothing was stored.
    #[error("could not check the token with ZSXQ: {0}")]
    Service(ApiError),
    /// The client settings (base URL, headers) are unusable.
    #[error("the connection settings are invalid: {0}")]
    Config(#[from] ClientError),
    /// No keyring could be reached or unlocked. Orrery keeps the token nowhere else.
    #[error(
        "no system keyring is available to keep the ZSXQ token ({reason}). Orrery stores the \
         token only in the system keyring: start or unlock it, or set {TOKEN_ENV} for headless use"
    )]
    NoKeyring {
        /// What the keyring reported, in words.
        reason: String,
    },
    /// The account's settings file (base URL, user name; never the token) could not be read
    /// or written.
    #[error("the account settings in {path} could not be used: {reason}")]
    Settings {
        /// The file.
        path: String,
        /// What went wrong, in words.
        reason: String,
    },
    /// The sign-in page configured for the web sign-in (`login_page` in `account.json`) is not
    /// a web address.
    #[error("the sign-in page {page:?} is not a web address (http or https)")]
    LoginPage {
        /// The configured text.
        page: String,
    },
    /// The keyring was reached but the operation failed (an unreadable or ambiguous entry,
    /// a store that refuses the value).
    #[error("the system keyring could not keep the ZSXQ token: {reason}")]
    Keyring {
        /// What went wrong, in words.
        reason: String,
    },
}

impl AccountError {
    pub(super) fn settings(path: &std::path::Path, err: &dyn std::fmt::Display) -> Self {
        Self::Settings {
            path: path.display().to_string(),
            reason: err.to_string(),
        }
    }
}
