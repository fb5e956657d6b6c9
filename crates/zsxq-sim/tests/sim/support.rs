//! Starting a simulator and talking to it over real HTTP, decoding with the `zsxq` models.
//!
//! The test kit's simulators refuse unsigned requests (code 1059), so every request sent here
//! carries the web client's version, stamp and signature ([`sign`]), the way `zsxq::Client`
//! sends them; the tests of the checks themselves build their requests by hand.

use serde::Deserialize;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use zsxq::{ApiError, Timestamp, Topic, TopicsPage};
use zsxq_sim::{SimConfig, SimHandle};

/// A running simulator plus an HTTP client.
pub struct Sim {
    pub handle: SimHandle,
    pub client: reqwest::Client,
    pub token: String,
}

/// `resp_data` of `/v2/topics/{id}` and of the write calls that return a topic.
#[derive(Debug, Deserialize)]
pub struct TopicDetail {
    pub topic: Topic,
}

/// A raw response.
pub struct Raw {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        zsxq::decode_response(self.status, &self.body)
    }
}

/// Adds `x-version`, `x-timestamp`, `x-request-id` and the `x-signature` of the request's URL,
/// as it will be sent (docs/protocol.md §2.4).
pub fn sign(request: &mut reqwest::Request) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let id = zsxq::client::web_id();
    let signature = zsxq::client::sign(request.url().as_str(), now, &id);
    let headers = request.headers_mut();
    for (name, value) in [
        ("x-version", zsxq::client::DEFAULT_X_VERSION.to_owned()),
        ("x-timestamp", now.to_string()),
        ("x-request-id", id),
        ("x-signature", signature),
    ] {
        headers.insert(name, value.parse().expect("a header value"));
    }
}

pub fn demo() -> SimConfig {
    SimConfig::default()
}

/// A simulator strict about signatures, as the test kit starts them.
pub async fn start(config: SimConfig) -> Sim {
    attach(orrery_testkit::sim_with(config).await)
}

/// A simulator with exactly the header checks of `config`.
pub async fn start_as_configured(config: SimConfig) -> Sim {
    attach(orrery_testkit::sim_as_configured(config).await)
}

fn attach(handle: SimHandle) -> Sim {
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let token = handle.token().to_owned();
    Sim {
        handle,
        client,
        token,
    }
}

impl Sim {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.handle.base_url())
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Raw {
        let mut request = request.build().expect("a valid request");
        sign(&mut request);
        self.execute(request).await
    }

    /// Sends `request` as it is: no headers added.
    pub async fn execute(&self, request: reqwest::Request) -> Raw {
        let response = self.client.execute(request).await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("body").to_vec();
        Raw {
            status,
            headers,
            body,
        }
    }

    /// GET with the web client's cookie.
    pub async fn raw(&self, path: &str) -> Raw {
        self.raw_as(path, Some(&self.token)).await
    }

    pub async fn raw_as(&self, path: &str, token: Option<&str>) -> Raw {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.header(
                "cookie",
                format!("zsxq_access_token={token}; abtest_env=product"),
            );
        }
        self.send(request).await
    }

    pub async fn try_get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.raw(path).await.decode()
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> T {
        self.try_get(path)
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// A write with the app's `authorization` header and a `{"req_data": …}` body.
    pub async fn write<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        let request = self
            .client
            .request(method, self.url(path))
            .header("authorization", &self.token)
            .header("content-type", "application/json; charset=utf-8")
            .body(serde_json::to_vec(body).expect("body serializes"));
        self.send(request).await.decode()
    }

    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.write(reqwest::Method::POST, path, body).await
    }

    pub async fn group_ids(&self) -> Vec<i64> {
        let list: zsxq::GroupsList = self.get("/v2/groups").await;
        list.groups.iter().map(|g| g.group_id.get()).collect()
    }

    /// Walks a topic list to the end the way the official docs say to: `end_time` = the last
    /// topic's `create_time` (inclusive), de-duplicating by id.
    pub async fn walk(&self, list_path: &str, count: usize) -> Walk {
        let mut walk = Walk::default();
        let mut end: Option<Timestamp> = None;
        loop {
            let sep = if list_path.contains('?') { '&' } else { '?' };
            let mut path = format!("{list_path}{sep}count={count}");
            if let Some(end) = end {
                path.push_str(&format!("&end_time={}", end.to_query_value()));
            }
            let page: TopicsPage = self.get(&path).await;
            walk.pages += 1;
            let Some(last) = page.topics.last().cloned() else {
                break;
            };
            let mut new = 0;
            for (i, topic) in page.topics.into_iter().enumerate() {
                if walk.seen.insert(topic.topic_id.get()) {
                    new += 1;
                    walk.topics.push(topic);
                } else {
                    walk.repeats += 1;
                    if i == 0 {
                        walk.boundary_repeats += 1;
                    }
                }
            }
            if new == 0 || walk.pages > 100_000 {
                break;
            }
            end = last.create_time;
            if end.is_none() {
                break;
            }
        }
        walk
    }

    /// Every topic of a group, newest first.
    pub async fn all_topics(&self, group_id: i64) -> Vec<Topic> {
        self.walk(&format!("/v2/groups/{group_id}/topics?scope=all"), 30)
            .await
            .topics
    }
}

#[derive(Debug, Default)]
pub struct Walk {
    pub topics: Vec<Topic>,
    pub seen: std::collections::HashSet<i64>,
    pub pages: usize,
    /// Topics returned again on a later page.
    pub repeats: usize,
    /// Pages that began with an already-seen topic.
    pub boundary_repeats: usize,
}

/// The signed-in user's id.
pub async fn self_id(sim: &Sim) -> i64 {
    let me: zsxq::UserResponse = sim.get("/v3/users/self").await;
    me.user.id().expect("self id").get()
}
