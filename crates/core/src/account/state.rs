//! What the rest of Orrery sees of the account: [`AccountState`], published through a
//! `tokio::sync::watch` channel, and the token's [`Expiry`].

use std::time::Duration;

/// How close to its end a token must be for the user to be warned: a week leaves time to copy
/// a fresh token from the browser before a sync fails.
pub const EXPIRY_WARNING: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Whether Orrery can talk to ZSXQ for the user. The sync engine and the UI watch it through
/// [`Account::subscribe`](super::Account::subscribe).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountState {
    /// No token: show the sign-in page, sync nothing.
    SignedOut,
    /// A token is available (keyring or `ORRERY_TOKEN`) but the service has not confirmed it in
    /// this run yet: at start-up before [`Account::restore`](super::Account::restore), or when
    /// the service could not be reached. The archive stays readable; syncing may try.
    Unverified,
    /// The service accepted the token.
    SignedIn {
        /// The account's name as the service reported it.
        user_name: String,
        /// The token's remaining lifetime as of the latest response that said so
        /// (`x-expire-in`).
        expires_in: Option<Duration>,
    },
    /// The service answered HTTP 401: the token is invalid, expired or revoked. Syncing stops
    /// until the user signs in again; the archive stays readable.
    NeedsLogin,
}

impl AccountState {
    /// The token's [`Expiry`], when signed in and the service said.
    pub fn expiry(&self) -> Option<Expiry> {
        match self {
            Self::SignedIn {
                expires_in: Some(remaining),
                ..
            } => Some(Expiry::new(*remaining)),
            _ => None,
        }
    }
}

/// The token's remaining lifetime and whether the user should be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    /// Time left according to the service.
    pub remaining: Duration,
    /// `true` when the token ends within [`EXPIRY_WARNING`] (a week, inclusive).
    pub warn: bool,
}

impl Expiry {
    /// Classifies a remaining lifetime.
    pub fn new(remaining: Duration) -> Self {
        Self {
            remaining,
            warn: remaining <= EXPIRY_WARNING,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(24 * 60 * 60);

    #[test]
    fn a_token_ending_within_a_week_warns() {
        assert!(Expiry::new(6 * DAY).warn);
        assert!(Expiry::new(Duration::ZERO).warn);
        assert!(Expiry::new(7 * DAY).warn, "a week exactly is within a week");
        assert!(!Expiry::new(7 * DAY + Duration::from_secs(1)).warn);
        assert!(!Expiry::new(8 * DAY).warn);
        assert!(!Expiry::new(30 * DAY).warn);
    }

    #[test]
    fn only_a_signed_in_state_with_a_lifetime_has_an_expiry() {
        let signed_in = |expires_in| AccountState::SignedIn {
            user_name: "星主".into(),
            expires_in,
        };
        assert_eq!(
            signed_in(Some(2 * DAY)).expiry(),
            Some(Expiry {
                remaining: 2 * DAY,
                warn: true
            })
        );
        assert_eq!(signed_in(None).expiry(), None);
        for state in [
            AccountState::SignedOut,
            AccountState::Unverified,
            AccountState::NeedsLogin,
        ] {
            assert_eq!(state.expiry(), None);
        }
    }
}
