//! The `media:` protocol: the reader's images and the circles' pictures, from the media cache
//! (downloaded on demand when not cached yet). `media://localhost/image/<id>` and
//! `…/circle/<group id>` on Linux and macOS, `http://media.localhost/…` on Windows; the CSP
//! allows exactly these origins.
//!
//! Nothing but the cache is reachable through it: the path names an id, never a file.

use orrery_core::session::Orrery;
use orrery_ipc::media::MediaRef;
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

/// The scheme name.
pub use orrery_ipc::media::SCHEME;

/// The protocol handler for `tauri::Builder::register_asynchronous_uri_scheme_protocol`.
pub fn serve<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let path = request.uri().path().to_owned();
    tauri::async_runtime::spawn(async move {
        let core = app.state::<Orrery>();
        responder.respond(image(&core, &path).await);
    });
}

async fn image(core: &Orrery, path: &str) -> Response<Vec<u8>> {
    let Some(media) = MediaRef::from_path(path) else {
        return status(StatusCode::NOT_FOUND);
    };
    // The cached copy when there is one, else downloaded.
    let cached = core.media(media).await;
    let bytes = match cached {
        Ok(path) => tokio::fs::read(&path).await,
        Err(err) => {
            tracing::debug!(%err, %media, "image unavailable");
            return status(StatusCode::NOT_FOUND);
        }
    };
    match bytes {
        Ok(bytes) => Response::builder()
            .header(header::CONTENT_TYPE, sniff(&bytes))
            // Content-addressed and immutable per id.
            .header(header::CACHE_CONTROL, "max-age=86400, immutable")
            .header("X-Content-Type-Options", "nosniff")
            .body(bytes)
            .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
        Err(_) => status(StatusCode::NOT_FOUND),
    }
}

/// The image type from its first bytes; the cache keeps no type, and the service's `format`
/// field is not always there. Anything unknown is served as opaque bytes, never as markup.
fn sniff(bytes: &[u8]) -> &'static str {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [b'G', b'I', b'F', b'8', ..] => "image/gif",
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => "image/webp",
        _ => "application/octet-stream",
    }
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = code;
    response
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn images_are_typed_by_their_bytes_and_svg_is_not_an_image() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), "image/png");
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), "image/jpeg");
        assert_eq!(sniff(b"GIF89a"), "image/gif");
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), "image/webp");
        // An SVG could carry script; it is never served as one.
        assert_eq!(sniff(b"<svg onload=alert(1)>"), "application/octet-stream");
    }
}
