//! The keyring boundary: [`Keyring`] keeps one secret per entry in an OS credential store,
//! through `keyring-core`.
//!
//! [`Keyring::platform`] is the real thing: the Secret Service over the D-Bus session bus on
//! Linux and the BSDs (GNOME Keyring, KWallet, KeePassXC), the login keychain on macOS, the
//! Credential Manager on Windows. Any other `keyring-core` store can be plugged in with
//! [`Keyring::from_store`] (the mock store in unit tests, a future platform).
//!
//! There is deliberately no fallback: when the store cannot be reached every operation fails
//! with [`AccountError::NoKeyring`], so a token is never left in a plain file or in memory that
//! the user believes is protected. (keyring v3 silently used an in-memory mock when no
//! platform feature was on; this module compiles exactly one platform store per OS and reports
//! every other system as having no keyring.)
//!
//! Every operation blocks (a D-Bus round trip, possibly an unlock prompt): the
//! [`Account`](super::Account) runs them on tokio's blocking pool.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use keyring_core::{CredentialStore, Entry, Error};

use super::AccountError;

/// The keyring service name every Orrery entry is filed under.
pub const KEYRING_SERVICE: &str = "app.orrery.desktop";

/// Opens the platform's store. Kept as a function so a failed connection can be retried on the
/// next operation (the user may start or unlock the keyring meanwhile).
type Connect = fn() -> keyring_core::Result<Arc<CredentialStore>>;

/// An OS credential store holding Orrery's secrets. Cheap to clone; clones share the
/// connection.
#[derive(Clone)]
pub struct Keyring {
    inner: Arc<Inner>,
}

struct Inner {
    /// How to (re)connect; `None` for a store handed over ready-made.
    connect: Option<Connect>,
    /// The connected store, once a connection succeeded.
    store: Mutex<Option<Arc<CredentialStore>>>,
    /// Whether entries get a human-readable label (Secret Service only: other stores refuse
    /// modifiers they do not know).
    labelled: bool,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let connected = self
            .inner
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|store| store.vendor());
        f.debug_struct("Keyring")
            .field("platform", &self.inner.connect.is_some())
            .field("connected", &connected)
            .finish()
    }
}

impl Keyring {
    /// The operating system's keyring. Connects on first use, not here, so that a headless
    /// run with `ORRERY_TOKEN` never needs one.
    pub fn platform() -> Self {
        Self {
            inner: Arc::new(Inner {
                connect: Some(platform_store),
                store: Mutex::new(None),
                labelled: cfg!(any(
                    target_os = "linux",
                    target_os = "freebsd",
                    target_os = "openbsd",
                    target_os = "netbsd",
                    target_os = "dragonfly"
                )),
            }),
        }
    }

    /// Any `keyring-core` store, already connected.
    pub fn from_store(store: Arc<CredentialStore>) -> Self {
        Self {
            inner: Arc::new(Inner {
                connect: None,
                store: Mutex::new(Some(store)),
                labelled: false,
            }),
        }
    }

    /// The secret of entry `name`, or `None` when there is none. Blocks.
    pub(super) fn read(&self, name: &str) -> Result<Option<String>, AccountError> {
        match self.entry(name)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(Error::NoEntry) => Ok(None),
            Err(err) => Err(describe(err)),
        }
    }

    /// Creates or replaces entry `name`. Blocks.
    pub(super) fn write(&self, name: &str, secret: &str) -> Result<(), AccountError> {
        self.entry(name)?.set_password(secret).map_err(describe)
    }

    /// Removes entry `name`; `false` when there was none. Blocks.
    pub(super) fn delete(&self, name: &str) -> Result<bool, AccountError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(Error::NoEntry) => Ok(false),
            Err(err) => Err(describe(err)),
        }
    }

    fn entry(&self, name: &str) -> Result<Entry, AccountError> {
        let store = self.store()?;
        let label = format!("Orrery: ZSXQ access token for {name}");
        let modifiers = HashMap::from([("label", label.as_str())]);
        let modifiers = self.inner.labelled.then_some(&modifiers);
        store
            .build(KEYRING_SERVICE, name, modifiers)
            .map_err(describe)
    }

    fn store(&self) -> Result<Arc<CredentialStore>, AccountError> {
        // A poisoned lock only means another thread panicked mid-connect; the Option is
        // still either a working store or nothing.
        let mut slot = self
            .inner
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(store) = slot.as_ref() {
            return Ok(Arc::clone(store));
        }
        let connect = self.inner.connect.ok_or_else(|| AccountError::NoKeyring {
            reason: "no keyring store is configured".to_owned(),
        })?;
        let store = connect().map_err(describe)?;
        tracing::debug!(store = %store.vendor(), "connected to the keyring");
        *slot = Some(Arc::clone(&store));
        Ok(store)
    }
}

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    // Connects to the session bus named by DBUS_SESSION_BUS_ADDRESS (or
    // $XDG_RUNTIME_DIR/bus) and fails here when nothing answers there.
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly",
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(Error::NotSupportedByStore(
        "Orrery knows no keyring on this operating system".to_owned(),
    ))
}

/// Turns a keyring failure into words. Never formats the error's payload with `Debug`:
/// `BadEncoding` and `BadDataFormat` carry the stored bytes, i.e. the token.
pub(super) fn describe(err: Error) -> AccountError {
    let no_keyring = |reason: String| AccountError::NoKeyring { reason };
    let keyring = |reason: String| AccountError::Keyring { reason };
    match err {
        Error::NoStorageAccess(source) => no_keyring(format!(
            "the keyring is locked or refused access: {}",
            chain(source.as_ref())
        )),
        Error::PlatformFailure(source) => no_keyring(format!(
            "the keyring could not be reached: {}",
            chain(source.as_ref())
        )),
        Error::NoDefaultStore => no_keyring("no keyring store is configured".to_owned()),
        Error::NotSupportedByStore(what) => no_keyring(what),
        Error::NoEntry => keyring("the entry disappeared while it was being used".to_owned()),
        Error::BadEncoding(_) | Error::BadDataFormat(..) => {
            keyring("the stored token is unreadable; sign in again to replace it".to_owned())
        }
        Error::Ambiguous(items) => keyring(format!(
            "{} keyring items claim to be this token; remove them with the keyring's own tool \
             and sign in again",
            items.len()
        )),
        Error::BadStoreFormat(reason) => keyring(format!("the keyring is damaged: {reason}")),
        Error::TooLong(field, limit) => keyring(format!(
            "the keyring accepts at most {limit} characters for the {field}"
        )),
        Error::Invalid(field, reason) => {
            keyring(format!("the keyring refused the {field}: {reason}"))
        }
        // Variants added later: their Display is the crate's own summary.
        other => keyring(other.to_string()),
    }
}

/// An error and its sources, each once.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0C7D5B83-1738-752B-67FE-B057A0866AF1_9A1B2C3D4E5F6071";

    #[test]
    fn unreadable_entries_never_show_their_bytes() {
        for err in [
            Error::BadEncoding(SECRET.as_bytes().to_vec()),
            Error::BadDataFormat(SECRET.as_bytes().to_vec(), "bad padding".into()),
        ] {
            let described = describe(err);
            assert!(matches!(described, AccountError::Keyring { .. }));
            let text = format!("{described} {described:?}");
            assert!(!text.contains("0C7D5B83"), "{text}");
            assert!(!text.contains("48, 67"), "{text}");
        }
    }

    #[test]
    fn unreachable_and_locked_stores_are_no_keyring() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let described = describe(Error::PlatformFailure(Box::new(refused)));
        assert_eq!(
            described,
            AccountError::NoKeyring {
                reason: "the keyring could not be reached: refused".into()
            }
        );
        let locked = describe(Error::NoStorageAccess("prompt dismissed".into()));
        assert!(
            matches!(&locked, AccountError::NoKeyring { reason } if reason.contains("locked")),
            "{locked:?}"
        );
        assert!(matches!(
            describe(Error::NoDefaultStore),
            AccountError::NoKeyring { .. }
        ));
    }

    /// A fake store (keyring-core's mock): enough to show that the label modifier is only
    /// sent to stores that understand it. The real Secret Service is exercised in
    /// `tests/account`.
    #[test]
    fn a_handed_over_store_gets_no_modifiers() {
        let store = keyring_core::mock::Store::new().expect("mock store");
        let keyring = Keyring::from_store(store);
        assert_eq!(keyring.read("https://api.zsxq.com"), Ok(None));
        keyring
            .write("https://api.zsxq.com", SECRET)
            .expect("the mock refuses modifiers, so none were sent");
        assert_eq!(
            keyring
                .read("https://api.zsxq.com")
                .ok()
                .flatten()
                .as_deref(),
            Some(SECRET)
        );
        assert_eq!(keyring.delete("https://api.zsxq.com"), Ok(true));
        assert_eq!(keyring.delete("https://api.zsxq.com"), Ok(false));
        let debug = format!("{keyring:?}");
        assert!(debug.contains("Mock"), "{debug}");
    }
}
