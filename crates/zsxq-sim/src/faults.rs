//! The middleware in front of the API routes: request counting, latency, authentication, the
//! service's header checks ([`crate::signature`]: `x-version`, `x-signature`, bans), the
//! injected failures of [`crate::Faults`] and `x-expire-in` on every answer to a signed-in
//! request. Media routes (images, articles, file downloads) are only counted: on the real
//! service they live on other hosts behind signed URLs.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::rng::{Rng, tag};
use crate::routes::http_fail;
use crate::server::Shared;
use crate::signature;

pub(crate) fn route_key(request: &Request) -> String {
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    format!("{} {path}", request.method())
}

/// The token of a request: the `zsxq_access_token` cookie (web) or the `authorization` header
/// (apps), which carries the bare token.
pub(crate) fn token_of(headers: &HeaderMap) -> Option<String> {
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("zsxq_access_token="))
        .map(str::to_owned);
    from_cookie.or_else(|| {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
        let value = value.strip_prefix("Bearer ").unwrap_or(value);
        (!value.is_empty()).then(|| value.to_owned())
    })
}

pub(crate) async fn api_layer(
    State(app): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    app.record(&route_key(&request));
    let faults = app.faults();
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    let token = token_of(request.headers());
    let token = match token {
        Some(token) if app.authorize(Some(&token), faults.unauthorized_after) => token,
        _ => return http_fail(StatusCode::UNAUTHORIZED, 401, "登录已失效，请重新登录"),
    };
    // Read before the checks, which may ban the token: the refusal that bans still says how
    // long the token had left, as the answers before it did.
    let expire_in = app.expire_in(&token);
    let with_expiry = |mut response: Response| {
        if let Some(value) =
            expire_in.and_then(|secs| HeaderValue::from_str(&secs.to_string()).ok())
        {
            response.headers_mut().insert("x-expire-in", value);
        }
        response
    };
    if let Some(refusal) = signature::check(&app, &token, &request) {
        return with_expiry(refusal);
    }
    let write = !matches!(*request.method(), Method::GET | Method::HEAD);
    if write && faults.writes_429 {
        return with_expiry(http_fail(
            StatusCode::TOO_MANY_REQUESTS,
            429,
            "操作过于频繁，请稍后重试",
        ));
    }
    let sequence = app.next_sequence();
    let mut rng = Rng::keyed(&[app.seed, tag::FAULT, sequence]);
    // Always three draws, so one fault's probability does not shift the others' sequence.
    let (server_error, refused, truncated) = (
        rng.chance(faults.p_5xx),
        rng.chance(faults.p_1059),
        rng.chance(faults.p_truncate),
    );
    if server_error {
        let status = [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::BAD_GATEWAY,
            StatusCode::SERVICE_UNAVAILABLE,
        ][rng.below(3) as usize];
        let page = format!(
            "<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center><hr><center>openresty</center></body></html>"
        );
        return (status, [(header::CONTENT_TYPE, "text/html")], page).into_response();
    }
    if refused {
        return with_expiry(signature::refused());
    }
    let mut response = next.run(request).await;
    if truncated {
        response = truncate(response).await;
    }
    with_expiry(response)
}

/// Keeps the status and headers but only the first half of the body, as when a connection
/// drops mid-transfer behind a proxy: the client gets HTTP 200 and JSON it cannot parse.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    let cut = bytes.len() / 2;
    Response::from_parts(parts, Body::from(bytes.slice(..cut)))
}

pub(crate) async fn media_layer(
    State(app): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    app.record(&route_key(&request));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_from_cookie_or_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("abtest_env=product; zsxq_access_token=ABC_1; x=y"),
        );
        assert_eq!(token_of(&headers).as_deref(), Some("ABC_1"));
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("ABC_2"));
        assert_eq!(token_of(&headers).as_deref(), Some("ABC_2"));
        assert_eq!(token_of(&HeaderMap::new()), None);
    }
}
