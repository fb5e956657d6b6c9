//! Where an article page is fetched from, and whether it may see the token.
//!
//! Article URLs come from topic payloads (`talk.article.article_url`), i.e. from the network,
//! so they are treated as untrusted: only `http`/`https` is followed, and the token is only
//! attached where the service itself lives.
//!
//! The rule, in order:
//!
//! 1. The URL must be absolute `http` or `https`; anything else (`file:`, `javascript:`,
//!    relative paths) is refused without a request.
//! 2. If a *rewrite origin* applies — [`ClientConfig::article_base_url`] when set, otherwise
//!    the client's `base_url` when that is not the real API — then URLs on `zsxq.com` or any of
//!    its subdomains are re-pointed at it: scheme, host and port are replaced, and the path
//!    becomes the rewrite origin's path, then the subdomain's first label (the host's role:
//!    `articles`, `images`…), then the original path; the query is kept. So
//!    `https://articles.zsxq.com/id_x.html` with base `http://127.0.0.1:4000` becomes
//!    `http://127.0.0.1:4000/articles/id_x.html` — the layout `zsxq-sim` serves, which hosts
//!    every `*.zsxq.com` role under one origin. Other hosts are fetched where they point.
//! 3. The cookie is sent when the final URL has the API's origin, or is `https` on
//!    `zsxq.com` or a subdomain (the browser would send the `.zsxq.com` cookie there too).
//!
//! [`ClientConfig::article_base_url`]: super::ClientConfig::article_base_url

use reqwest::Url;

use crate::ApiError;

/// The registrable domain of the service.
const SERVICE_DOMAIN: &str = "zsxq.com";

/// The fetch plan for one article URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    /// What to request.
    pub(crate) url: Url,
    /// Whether the cookie may go along.
    pub(crate) with_token: bool,
}

/// Applies the rule above. `rewrite_to` is the rewrite origin, if one applies.
pub(crate) fn route(
    article_url: &str,
    api_base: &Url,
    rewrite_to: Option<&Url>,
) -> Result<Route, ApiError> {
    let refused = || ApiError::UnsupportedUrl {
        url: without_query(article_url),
    };
    let original = Url::parse(article_url.trim()).map_err(|_| refused())?;
    if !is_http(&original) {
        return Err(refused());
    }
    let url = match rewrite_to {
        Some(origin) if is_service_host(&original) => {
            rebase(&original, origin).ok_or_else(refused)?
        }
        _ => original,
    };
    let with_token =
        url.origin() == api_base.origin() || (url.scheme() == "https" && is_service_host(&url));
    Ok(Route { url, with_token })
}

/// A URL for a message: without its query and fragment, where signed URLs keep their token.
fn without_query(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    url[..end].to_owned()
}

fn is_http(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host_str().is_some()
}

fn is_service_host(url: &Url) -> bool {
    url.host_str().is_some_and(|host| {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        host == SERVICE_DOMAIN || host.ends_with(&format!(".{SERVICE_DOMAIN}"))
    })
}

/// `original`'s path and query on `origin`'s scheme, host, port and path prefix, with the
/// host's role (its first label below `zsxq.com`) as a path segment in between.
fn rebase(original: &Url, origin: &Url) -> Option<Url> {
    let mut url = origin.clone();
    let prefix = origin.path().trim_end_matches('/');
    let host = original
        .host_str()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let role = host
        .strip_suffix(SERVICE_DOMAIN)
        .and_then(|sub| sub.strip_suffix('.'))
        .and_then(|sub| sub.split('.').next())
        .map(|label| format!("/{label}"))
        .unwrap_or_default();
    url.set_path(&format!("{prefix}{role}{}", original.path()));
    url.set_query(original.query());
    url.set_fragment(None);
    is_http(&url).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL")
    }

    const ARTICLE: &str = "https://articles.zsxq.com/id_degukvf59qew.html";

    #[test]
    fn the_real_service_fetches_articles_where_they_are() {
        let api = url("https://api.zsxq.com");
        let route = route(ARTICLE, &api, None).expect("http URL");
        assert_eq!(route.url.as_str(), ARTICLE);
        assert!(route.with_token);
    }

    #[test]
    fn a_simulator_serves_the_service_hosts() {
        let api = url("http://127.0.0.1:4000");
        let route = route(ARTICLE, &api, Some(&api)).expect("http URL");
        assert_eq!(
            route.url.as_str(),
            "http://127.0.0.1:4000/articles/id_degukvf59qew.html"
        );
        assert!(route.with_token, "same origin as the API");

        let inline = "https://articles.zsxq.com/inline_form/id_x.html?a=1#top";
        let prefixed = url("http://127.0.0.1:4000/sim/");
        let route = super::route(inline, &api, Some(&prefixed)).expect("http URL");
        assert_eq!(
            route.url.as_str(),
            "http://127.0.0.1:4000/sim/articles/inline_form/id_x.html?a=1"
        );
        // The simulator's own links already point at it and pass through unchanged.
        let own = "http://127.0.0.1:4000/articles/id_x.html";
        let route = super::route(own, &api, Some(&api)).expect("http URL");
        assert_eq!(route.url.as_str(), own);
        assert!(route.with_token);
    }

    #[test]
    fn other_hosts_are_neither_rewritten_nor_given_the_token() {
        let api = url("http://127.0.0.1:4000");
        for external in [
            "https://example.com/post.html",
            "https://evilzsxq.com/x",
            "http://articles.zsxq.com.evil.net/x",
        ] {
            let route = route(external, &api, Some(&api)).expect("http URL");
            assert_eq!(route.url.as_str(), external);
            assert!(!route.with_token, "{external}");
        }
        // Plain http on the service's domain would expose the cookie on the wire.
        let real = url("https://api.zsxq.com");
        let plain = route("http://articles.zsxq.com/id_x.html", &real, None).expect("http URL");
        assert!(!plain.with_token);
    }

    #[test]
    fn a_refused_url_is_named_without_its_signed_query() {
        let api = url("https://api.zsxq.com");
        assert_eq!(
            route(
                "ftp://images.zsxq.com/a.jpg?e=1924963199&token=SECRET#x",
                &api,
                None
            ),
            Err(ApiError::UnsupportedUrl {
                url: "ftp://images.zsxq.com/a.jpg".to_owned()
            })
        );
    }

    #[test]
    fn only_http_urls_are_fetched() {
        let api = url("https://api.zsxq.com");
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "id_x.html",
            "",
            "ftp://articles.zsxq.com/x",
            "data:text/html,hi",
        ] {
            assert_eq!(
                route(bad, &api, None),
                Err(ApiError::UnsupportedUrl {
                    url: bad.to_owned()
                }),
                "{bad}"
            );
        }
    }
}
