//! The access token: the one secret Orrery holds for an account.
//!
//! Whoever has the `zsxq_access_token` cookie *is* the member for about 30 days, so the value
//! must never reach a log line, an error message, a crash report or an IPC payload. The type
//! makes that the default: `Debug` and `Display` print `[redacted]`, the bytes are zeroed on drop
//! (via `secrecy`), and the only way out is the loudly named [`AccessToken::expose_secret`].

use std::fmt;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};

/// The cookie name the web client sends the token under.
pub(crate) const COOKIE_NAME: &str = "zsxq_access_token";

/// A ZSXQ access token (`UUID_16HEX`, from the `zsxq_access_token` cookie).
///
/// Formatting never shows the value:
///
/// ```
/// # use zsxq::client::AccessToken;
/// let token = AccessToken::new("0C7D5B83-1738-752B-67FE-B057A0866AF1_9A1B2C3D4E5F6071")?;
/// assert_eq!(format!("{token:?}"), "AccessToken([redacted])");
/// assert_eq!(token.to_string(), "[redacted]");
/// # Ok::<(), zsxq::client::InvalidToken>(())
/// ```
#[derive(Clone)]
pub struct AccessToken(SecretString);

impl AccessToken {
    /// Checks and wraps a token.
    ///
    /// Accepts what users actually paste: surrounding whitespace, and the whole cookie pair
    /// `zsxq_access_token=…;` as copied from the browser's developer tools. The value must be
    /// a legal cookie value (RFC 6265: printable ASCII without spaces, `"`, `,`, `;` or `\`),
    /// otherwise it could not be sent, or could smuggle a second cookie into the header.
    pub fn new(token: impl Into<String>) -> Result<Self, InvalidToken> {
        // Validate on a borrowed view, then move the original String into the secret so the
        // only other copy is the one `secrecy` zeroes on drop.
        let raw = token.into();
        let value = normalize(&raw);
        if value.is_empty() {
            return Err(InvalidToken::Empty);
        }
        if let Some(position) = value.chars().position(|c| !is_cookie_value_char(c)) {
            return Err(InvalidToken::ForbiddenCharacter { position });
        }
        let value = value.to_owned();
        drop(SecretString::from(raw));
        Ok(Self(SecretString::from(value)))
    }

    /// The token itself, for the keyring and for the request header. Everything else should
    /// pass the `AccessToken` around instead.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Strips whitespace, a leading `zsxq_access_token=` and a trailing `;`.
fn normalize(raw: &str) -> &str {
    let trimmed = raw.trim();
    let value = trimmed
        .strip_prefix(COOKIE_NAME)
        .and_then(|rest| rest.trim_start().strip_prefix('='))
        .unwrap_or(trimmed);
    value.trim().trim_end_matches(';').trim_end()
}

/// RFC 6265 `cookie-octet`.
fn is_cookie_value_char(c: char) -> bool {
    matches!(c, '\x21' | '\x23'..='\x2b' | '\x2d'..='\x3a' | '\x3c'..='\x5b' | '\x5d'..='\x7e')
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl FromStr for AccessToken {
    type Err = InvalidToken;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// Why a pasted token was refused. The messages describe the problem without quoting the
/// token, so they are safe to show and to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidToken {
    /// Nothing left after trimming.
    #[error("the access token is empty")]
    Empty,
    /// A character that cannot appear in a cookie value.
    #[error(
        "the access token contains a character that is not allowed in a cookie (at position {position})"
    )]
    ForbiddenCharacter {
        /// Zero-based character index within the token.
        position: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0C7D5B83-1738-752B-67FE-B057A0866AF1_9A1B2C3D4E5F6071";

    #[test]
    fn debug_and_display_never_show_the_token() {
        let token = AccessToken::new(TOKEN).expect("valid token");
        for text in [
            format!("{token:?}"),
            format!("{token:#?}"),
            format!("{token}"),
            format!("{:?}", Some(token.clone())),
        ] {
            assert!(!text.contains(TOKEN), "{text}");
            assert!(!text.contains("0C7D5B83"), "{text}");
        }
        assert_eq!(token.expose_secret(), TOKEN);
    }

    #[test]
    fn accepts_what_users_paste() {
        for pasted in [
            TOKEN.to_owned(),
            format!("  {TOKEN}\n"),
            format!("zsxq_access_token={TOKEN}"),
            format!("zsxq_access_token = {TOKEN};"),
        ] {
            let token = AccessToken::new(pasted).expect("valid token");
            assert_eq!(token.expose_secret(), TOKEN);
        }
        assert_eq!(
            TOKEN
                .parse::<AccessToken>()
                .map(|t| t.expose_secret().len()),
            Ok(TOKEN.len())
        );
    }

    #[test]
    fn rejects_empty_and_header_breaking_values_without_quoting_them() {
        assert_eq!(AccessToken::new("  ").err(), Some(InvalidToken::Empty));
        assert_eq!(
            AccessToken::new("zsxq_access_token=;").err(),
            Some(InvalidToken::Empty)
        );
        for (bad, position) in [
            ("secret-part; other=1", 11),
            ("secret-part\r\nX-Evil: 1", 11),
            ("secret part", 6),
            ("秘密", 0),
        ] {
            let err = AccessToken::new(bad).expect_err("must be refused");
            assert_eq!(err, InvalidToken::ForbiddenCharacter { position });
            let message = err.to_string();
            assert!(!message.contains("secret"), "{message}");
            assert!(!message.contains("秘密"), "{message}");
        }
    }
}
