//! Signing in through the service's own web page, which the desktop shell shows in a window of
//! its own (docs/account.md): [`WebLogin`] says which page to open, which pages that window may
//! show, and where the cookie that carries the token is read once the page has signed in.
//!
//! The page is remote content. The shell gives its window no IPC and a webview data folder of
//! its own ([`login_webview_dir`]), reads the httpOnly `zsxq_access_token` cookie from the host
//! side, hands it to [`Account::sign_in`](super::Account::sign_in) and then clears that folder,
//! so the token ends up in the keyring and nowhere else.

use std::path::PathBuf;

use url::Url;
use zsxq::client::{AccessToken, DEFAULT_BASE_URL};

use super::AccountError;
use crate::paths::DataDir;

/// The cookie the service's web app keeps the token in (docs/protocol.md §2.1).
pub const TOKEN_COOKIE: &str = "zsxq_access_token";

/// The service's web app. Opened at its root: a visitor who is not signed in gets the sign-in
/// screen there (the WeChat QR code), wherever the web app keeps it this year.
pub const SERVICE_LOGIN_PAGE: &str = "https://wx.zsxq.com/";

/// The domains the service's sign-in uses: its own, and WeChat's, whose QR code it embeds.
const SERVICE_DOMAINS: [&str; 2] = ["zsxq.com", "weixin.qq.com"];

/// Where the sign-in happens for one API base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLogin {
    page: Url,
    cookie_url: Url,
    /// The real service: its and WeChat's domains, over https. Otherwise (a simulator, a proxy)
    /// only the page's own origin.
    service: bool,
}

impl WebLogin {
    /// The sign-in for the API at `base_url`: the service's web app for the real API, else the
    /// page `/login` on the API's own address (how the simulator serves it). `page` overrides
    /// the page (`login_page` in `account.json`); the cookie is then read for its origin.
    pub fn for_service(base_url: &str, page: Option<&str>) -> Result<Self, AccountError> {
        let base = base_url.trim().trim_end_matches('/');
        let service = base == DEFAULT_BASE_URL.trim_end_matches('/');
        let page = match page {
            Some(page) => page.to_owned(),
            None if service => SERVICE_LOGIN_PAGE.to_owned(),
            None => format!("{base}/login"),
        };
        let page = Url::parse(&page)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
            .ok_or_else(|| AccountError::LoginPage { page: page.clone() })?;
        let mut cookie_url = page.clone();
        cookie_url.set_path("/");
        cookie_url.set_query(None);
        cookie_url.set_fragment(None);
        Ok(Self {
            page,
            cookie_url,
            service,
        })
    }

    /// The page the login window opens.
    pub fn page(&self) -> &Url {
        &self.page
    }

    /// The address whose cookies hold the token once the page has signed in.
    pub fn cookie_url(&self) -> &Url {
        &self.cookie_url
    }

    /// Whether the login window may show `url`; anything else opens in the system browser (a
    /// web link) or nowhere. `about:blank` and `about:srcdoc` are the empty frames pages build
    /// their own content in.
    pub fn may_show(&self, url: &Url) -> bool {
        if url.scheme() == "about" {
            return matches!(url.path(), "blank" | "srcdoc");
        }
        if self.service {
            let host = url.host_str().unwrap_or_default();
            url.scheme() == "https"
                && SERVICE_DOMAINS.iter().any(|domain| {
                    host == *domain
                        || host
                            .strip_suffix(domain)
                            .is_some_and(|sub| sub.ends_with('.'))
                })
        } else {
            url.origin() == self.page.origin()
        }
    }

    /// The token among a page's cookies (`(name, value)`), once it has signed in. A cookie
    /// that is not a token in the service's format is not one (and is never formatted).
    pub fn token_in<'a>(
        cookies: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Option<AccessToken> {
        cookies
            .into_iter()
            .filter(|(name, value)| *name == TOKEN_COOKIE && !value.trim().is_empty())
            .find_map(|(_, value)| AccessToken::new(value.trim().to_owned()).ok())
    }
}

/// The login window's own webview data folder (cookies, storage, cache), apart from the main
/// window's so that clearing it touches nothing else.
pub fn login_webview_dir(dir: &DataDir) -> PathBuf {
    dir.root().join("login-webview")
}

/// Deletes whatever the login window left on disk: after a sign-in and at sign-out.
pub fn forget_login_webview(dir: &DataDir) -> std::io::Result<bool> {
    match std::fs::remove_dir_all(login_webview_dir(dir)) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("a URL")
    }

    #[test]
    fn the_real_service_signs_in_on_its_web_app_and_wechat_only() {
        let login = WebLogin::for_service("https://api.zsxq.com/", None).expect("login");
        assert_eq!(login.page().as_str(), SERVICE_LOGIN_PAGE);
        assert_eq!(login.cookie_url().as_str(), "https://wx.zsxq.com/");
        for inside in [
            "https://wx.zsxq.com/login",
            "https://zsxq.com/",
            "https://open.weixin.qq.com/connect/qrconnect?appid=x",
            "about:blank",
        ] {
            assert!(login.may_show(&url(inside)), "{inside}");
        }
        for outside in [
            "http://wx.zsxq.com/",
            "https://evilzsxq.com/",
            "https://zsxq.com.evil.example/",
            "https://qq.com/",
            "https://mp.weixin.qq.com.evil.example/",
            "file:///etc/passwd",
            "tauri://localhost/",
            "about:config",
            "javascript:alert(1)",
        ] {
            assert!(!login.may_show(&url(outside)), "{outside}");
        }
    }

    #[test]
    fn another_address_serves_its_own_login_page_and_nothing_else() {
        let login = WebLogin::for_service("http://127.0.0.1:4100", None).expect("login");
        assert_eq!(login.page().as_str(), "http://127.0.0.1:4100/login");
        assert_eq!(login.cookie_url().as_str(), "http://127.0.0.1:4100/");
        assert!(login.may_show(&url("http://127.0.0.1:4100/login/done")));
        assert!(!login.may_show(&url("http://127.0.0.1:4101/login")));
        assert!(!login.may_show(&url("https://wx.zsxq.com/")));

        let page = "http://127.0.0.1:4100/login?probe=ipc";
        let login = WebLogin::for_service("http://127.0.0.1:4100", Some(page)).expect("login");
        assert_eq!(login.page().as_str(), page);
        assert_eq!(login.cookie_url().as_str(), "http://127.0.0.1:4100/");
        for bad in ["not a url", "file:///tmp/login.html", "javascript:alert(1)"] {
            assert!(
                matches!(
                    WebLogin::for_service("http://127.0.0.1:4100", Some(bad)),
                    Err(AccountError::LoginPage { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_token_is_the_cookie_of_that_name_in_the_services_format() {
        let token = "7BBE4C1A-1E5B-4F8B-9E0B-2F3C5D6E7F80_AB12CD34EF56AB78";
        let found = WebLogin::token_in([("abtest_env", "product"), (TOKEN_COOKIE, token)])
            .expect("the token");
        assert_eq!(found.expose_secret(), token);
        assert!(WebLogin::token_in([(TOKEN_COOKIE, "")]).is_none());
        assert!(WebLogin::token_in([(TOKEN_COOKIE, "a b")]).is_none());
        assert!(WebLogin::token_in([("zsxqsessionid", token)]).is_none());
    }

    #[test]
    fn the_login_webview_folder_is_forgotten_whole() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::open(tmp.path()).expect("data dir");
        assert!(!forget_login_webview(&dir).expect("nothing to forget"));
        let cookies = login_webview_dir(&dir).join("cookies");
        std::fs::create_dir_all(&cookies).expect("mkdir");
        std::fs::write(cookies.join("cookies.sqlite"), "zsxq_access_token").expect("write");
        assert!(forget_login_webview(&dir).expect("forgotten"));
        assert!(!login_webview_dir(&dir).exists());
    }
}
