//! What the shell's `media:` protocol serves, named by a typed [`MediaRef`] instead of a URL
//! kept alike by hand on both sides.
//!
//! The UI turns a reference into a URL with [`MediaRef::url`]; the shell parses the request's
//! path back with [`MediaRef::from_path`]. Only ids travel: never a file name or a path.

use std::fmt;

use crate::id::{CircleId, ImageId};

/// The protocol's scheme.
pub const SCHEME: &str = "media";

/// A piece of cached media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaRef {
    /// An image of a topic or comment.
    Image(ImageId),
    /// A circle's picture.
    CirclePicture(CircleId),
}

impl MediaRef {
    /// The URL the webview loads. Windows' webview reaches custom protocols as
    /// `http://<scheme>.localhost`, the others as `<scheme>://localhost`; the CSP allows both.
    pub fn url(self, windows: bool) -> String {
        if windows {
            format!("http://{SCHEME}.localhost{self}")
        } else {
            format!("{SCHEME}://localhost{self}")
        }
    }

    /// The reference a request path (`/image/123`) names, if it names one.
    pub fn from_path(path: &str) -> Option<Self> {
        let (kind, id) = path.strip_prefix('/')?.split_once('/')?;
        // Digits only: `+1`, ` 1` or `1/..` name nothing.
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let id: i64 = id.parse().ok()?;
        match kind {
            "image" => Some(Self::Image(ImageId::new(id))),
            "circle" => Some(Self::CirclePicture(CircleId::new(id))),
            _ => None,
        }
    }
}

/// The path part of the URL: `/image/<id>` or `/circle/<id>`.
impl fmt::Display for MediaRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Image(id) => write!(f, "/image/{id}"),
            Self::CirclePicture(id) => write!(f, "/circle/{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_back_to_their_reference() {
        for media in [
            MediaRef::Image(ImageId::new(5_284_512_418_842_214)),
            MediaRef::CirclePicture(CircleId::new(48_415_284_414_458)),
        ] {
            for windows in [false, true] {
                let url = media.url(windows);
                let path = url
                    .split_once("localhost")
                    .map(|(_, path)| path)
                    .expect("a localhost URL");
                assert_eq!(MediaRef::from_path(path), Some(media), "{url}");
            }
        }
        assert_eq!(
            MediaRef::Image(ImageId::new(7)).url(false),
            "media://localhost/image/7",
            "the CSP in tauri.conf.json allows this origin"
        );
        assert_eq!(
            MediaRef::Image(ImageId::new(7)).url(true),
            "http://media.localhost/image/7"
        );
    }

    #[test]
    fn paths_naming_anything_else_are_refused() {
        for path in [
            "",
            "/",
            "/image/",
            "/image/-1",
            "/image/+1",
            "/image/1/..",
            "/image/../../etc/passwd",
            "/file/1",
            "/circle/99999999999999999999",
            "image/1",
        ] {
            assert_eq!(MediaRef::from_path(path), None, "{path}");
        }
    }
}
