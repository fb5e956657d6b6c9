//! The `media:` protocol: the reader's images and the circles' pictures, from the media cache
//! (downloaded on demand when not cached yet). `media://localhost/image/<id>` and
//! `…/circle/<group id>` on Linux and macOS, `http://media.localhost/…` on Windows; the CSP
//! allows exactly these origins.
//!
//! Nothing but the cache is reachable through it: the path names an id, never a file.

use orrery_core::media::image_type;
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

/// The image type from its first bytes ([`image_type`]): the cache keeps no type, and the
/// service's `format` field is not always there. Anything unknown (an SVG, which could carry
/// script, included) is served as opaque bytes, never as markup.
fn sniff(bytes: &[u8]) -> &'static str {
    image_type(bytes).map_or("application/octet-stream", |(mime, _)| mime)
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = code;
    response
}
