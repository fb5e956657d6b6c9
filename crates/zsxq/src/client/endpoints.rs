//! One method per endpoint (docs/protocol.md §6), returning the crate's models.
//!
//! Paths and parameters follow the captures: the web client's `/v2` and `/v3` paths, `count`
//! plus an inclusive `end_time` (or `begin_time`) for lists, and writes wrapped in `req_data`.

use reqwest::Method;

use super::body::{BodySink, DownloadError};
use super::retry::{Idempotency, should_retry};
use super::{Client, Raw, Request, Response, article, body, headers::Kind, resume};
use crate::id::{ColumnId, FileId, GroupId, HashtagId, TopicId};
use crate::model::{
    AnswerRequest, ColumnsList, Comment, CommentRequest, CommentsPage, CreateTalkRequest,
    DynamicsList, Empty, FileDownloadUrl, GroupDetail, GroupsList, HashtagsList, MenuReadTimes,
    MenusList, ReqData, Topic, TopicDetail, TopicsPage, UnansweredQuestionsBrief,
    UnreadTopicCounts, UserResponse,
};
use crate::{ApiError, Timestamp, decode_response};

/// The largest `count` the service honours for topic lists (official docs; RSSHub caps at 30
/// too). Larger values are lowered to it.
pub const MAX_TOPICS_PER_PAGE: u32 = 30;

/// The `count` used unless the caller asks otherwise: 20, like the web client.
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// Comments per page: the value the working crawlers use, and the service's maximum.
const COMMENTS_PER_PAGE: u32 = 30;

/// Which of a group's topic lists (the tabs 最新 / 精华 / 只看星主 / 问答 / 作业, and the owner's
/// queue of questions waiting for an answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicScope {
    /// 最新: everything.
    All,
    /// 精华: digests.
    Digests,
    /// 只看星主: the owner's topics.
    ByOwner,
    /// 问答: questions and answers.
    Questions,
    /// 作业: tasks.
    Tasks,
    /// 待我回答: questions waiting for the owner's answer (owners only).
    UnansweredQuestions,
}

impl TopicScope {
    /// The `scope` query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Digests => "digests",
            Self::ByOwner => "by_owner",
            Self::Questions => "questions",
            Self::Tasks => "tasks",
            Self::UnansweredQuestions => "unanswered_questions",
        }
    }
}

/// One request for a page of a group's topics.
///
/// Pages are newest first. `end_time` is an *inclusive* upper bound: the next page starts at the
/// last topic's `create_time`, so the first topic of that page repeats the last of this one —
/// de-duplicate by id, or let [`TopicPager`](super::TopicPager) do it. `begin_time` asks for
/// topics at or after an instant instead (the app probes "anything new?" with `count=1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicsQuery {
    /// Which list.
    pub scope: TopicScope,
    /// Topics per page, 1–[`MAX_TOPICS_PER_PAGE`].
    pub count: u32,
    /// Only topics created at or before this instant.
    pub end_time: Option<Timestamp>,
    /// Only topics created at or after this instant.
    pub begin_time: Option<Timestamp>,
}

impl TopicsQuery {
    /// The newest [`DEFAULT_PAGE_SIZE`] topics of `scope`.
    pub fn new(scope: TopicScope) -> Self {
        Self {
            scope,
            count: DEFAULT_PAGE_SIZE,
            end_time: None,
            begin_time: None,
        }
    }

    /// Sets the page size (clamped to 1–[`MAX_TOPICS_PER_PAGE`]).
    pub fn count(mut self, count: u32) -> Self {
        self.count = clamp_count(count);
        self
    }

    /// Sets the inclusive upper bound.
    pub fn end_time(mut self, end_time: Timestamp) -> Self {
        self.end_time = Some(end_time);
        self
    }

    /// Sets the inclusive lower bound.
    pub fn begin_time(mut self, begin_time: Timestamp) -> Self {
        self.begin_time = Some(begin_time);
        self
    }

    fn to_query(self) -> Vec<(&'static str, String)> {
        let mut query = vec![
            ("scope", self.scope.as_str().to_owned()),
            ("count", clamp_count(self.count).to_string()),
        ];
        if let Some(end) = self.end_time {
            query.push(("end_time", end.to_string()));
        }
        if let Some(begin) = self.begin_time {
            query.push(("begin_time", begin.to_string()));
        }
        query
    }
}

pub(crate) fn clamp_count(count: u32) -> u32 {
    count.clamp(1, MAX_TOPICS_PER_PAGE)
}

/// `filter`, `count` and `end_time` of the account-wide question lists.
fn account_questions_query(
    answered: Option<bool>,
    count: u32,
    end_time: Option<Timestamp>,
) -> Vec<(&'static str, String)> {
    let mut query = Vec::new();
    if let Some(answered) = answered {
        let filter = if answered { "answered" } else { "unanswered" };
        query.push(("filter", filter.to_owned()));
    }
    query.push(("count", clamp_count(count).to_string()));
    if let Some(end) = end_time {
        query.push(("end_time", end.to_string()));
    }
    query
}

/// One request for a page of a topic's comments: oldest first, from `begin_time` (inclusive).
///
/// The next page starts at the last comment's `create_time`; comments sharing that millisecond
/// come again, so de-duplicate by `comment_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentsQuery {
    /// Comments per page, 1–30.
    pub count: u32,
    /// Only comments created at or after this instant.
    pub begin_time: Option<Timestamp>,
}

impl Default for CommentsQuery {
    fn default() -> Self {
        Self {
            count: COMMENTS_PER_PAGE,
            begin_time: None,
        }
    }
}

impl CommentsQuery {
    /// The page starting at `begin_time`.
    pub fn from(begin_time: Timestamp) -> Self {
        Self {
            begin_time: Some(begin_time),
            ..Self::default()
        }
    }
}

/// Which notification inbox of `/v2/dynamics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DynamicsScope {
    /// Everything.
    General,
    /// Likes of my posts.
    Like,
    /// Assignments and reviews.
    Examinations,
    /// Messages from the service.
    SystemMessage,
    /// Replies to me: comments, answers.
    RelatedReplies,
    /// The group assistant.
    GroupAssistant,
}

impl DynamicsScope {
    /// The `scope` query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::Like => "like",
            Self::Examinations => "examinations",
            Self::SystemMessage => "system_message",
            Self::RelatedReplies => "related_replies",
            Self::GroupAssistant => "group_assistant",
        }
    }
}

/// The `resp_data` of a post, read leniently.
///
/// The shape of write responses is not documented (docs/protocol.md §6.4). Once the service says
/// `succeeded: true` the post exists, and failing the call because the echo looks unexpected
/// would invite the caller to post again, so the echoed object is decoded on a best-effort basis
/// and is `None` when absent or unreadable.
#[derive(Debug, serde::Deserialize)]
#[serde(transparent)]
struct Echo(Option<serde_json::Value>);

impl Echo {
    fn get<T: serde::de::DeserializeOwned>(self, key: &str) -> Option<T> {
        let mut object = match self.0? {
            serde_json::Value::Object(object) => object,
            _ => return None,
        };
        serde_json::from_value(object.remove(key)?).ok()
    }
}

/// The `{"req_data": {}}` body of calls that need no parameters.
#[derive(Debug, serde::Serialize)]
struct NoParams {}

impl Client {
    /// `GET /v3/users/self`: the signed-in user. Also the cheapest way to validate a token.
    pub async fn self_user(&self) -> Result<Response<UserResponse>, ApiError> {
        self.get("/v3/users/self", &[]).await
    }

    /// `GET /v2/groups`: the groups the user joined or created.
    pub async fn groups(&self) -> Result<Response<GroupsList>, ApiError> {
        self.get("/v2/groups", &[]).await
    }

    /// `GET /v2/groups/{group_id}`: one group, with membership and statistics.
    pub async fn group(&self, group: GroupId) -> Result<Response<GroupDetail>, ApiError> {
        self.get(&format!("/v2/groups/{group}"), &[]).await
    }

    /// `GET /v2/groups/{group_id}/topics`: one page of a topic list.
    ///
    /// Fails with [`ApiError::MembershipExpired`] (14210) when the membership has lapsed.
    pub async fn topics(
        &self,
        group: GroupId,
        query: &TopicsQuery,
    ) -> Result<Response<TopicsPage>, ApiError> {
        self.get(&format!("/v2/groups/{group}/topics"), &query.to_query())
            .await
    }

    /// `GET /v2/hashtags/{hashtag_id}/topics`: one page of a hashtag's topics, newest first,
    /// `end_time` inclusive.
    pub async fn hashtag_topics(
        &self,
        hashtag: HashtagId,
        count: u32,
        end_time: Option<Timestamp>,
    ) -> Result<Response<TopicsPage>, ApiError> {
        let mut query = vec![("count", clamp_count(count).to_string())];
        if let Some(end) = end_time {
            query.push(("end_time", end.to_string()));
        }
        self.get(&format!("/v2/hashtags/{hashtag}/topics"), &query)
            .await
    }

    /// `GET /v2/groups/{group_id}/columns/{column_id}/topics`: one page of a column's topics,
    /// newest first, `end_time` inclusive. Column lists may carry shortened topics; fetch
    /// [`Client::topic`] for the full text.
    pub async fn column_topics(
        &self,
        group: GroupId,
        column: ColumnId,
        count: u32,
        end_time: Option<Timestamp>,
    ) -> Result<Response<TopicsPage>, ApiError> {
        let mut query = vec![
            ("count", clamp_count(count).to_string()),
            ("sort", "default".to_owned()),
            ("direction", "desc".to_owned()),
        ];
        if let Some(end) = end_time {
            query.push(("end_time", end.to_string()));
        }
        self.get(
            &format!("/v2/groups/{group}/columns/{column}/topics"),
            &query,
        )
        .await
    }

    /// `GET /v2/topics/{topic_id}`: one topic with its full text (lists truncate long ones).
    pub async fn topic(&self, topic: TopicId) -> Result<Response<Topic>, ApiError> {
        let detail: Response<TopicDetail> = self.get(&format!("/v2/topics/{topic}"), &[]).await?;
        Ok(detail.map(|detail| detail.topic))
    }

    /// `GET /v2/topics/{topic_id}/comments`: one page of comments, oldest first, replies
    /// nested under their parent.
    pub async fn comments(
        &self,
        topic: TopicId,
        query: &CommentsQuery,
    ) -> Result<Response<CommentsPage>, ApiError> {
        let mut params = vec![
            ("sort", "asc".to_owned()),
            ("count", query.count.clamp(1, COMMENTS_PER_PAGE).to_string()),
            ("with_sticky", "true".to_owned()),
        ];
        if let Some(begin) = query.begin_time {
            params.push(("begin_time", begin.to_string()));
        }
        self.get(&format!("/v2/topics/{topic}/comments"), &params)
            .await
    }

    /// `GET /v2/groups/{group_id}/hashtags`.
    pub async fn hashtags(&self, group: GroupId) -> Result<Response<HashtagsList>, ApiError> {
        self.get(&format!("/v2/groups/{group}/hashtags"), &[]).await
    }

    /// `GET /v2/groups/{group_id}/columns`.
    pub async fn columns(&self, group: GroupId) -> Result<Response<ColumnsList>, ApiError> {
        self.get(&format!("/v2/groups/{group}/columns"), &[]).await
    }

    /// `GET /v2/groups/{group_id}/menus`: the group's tabs.
    pub async fn menus(&self, group: GroupId) -> Result<Response<MenusList>, ApiError> {
        self.get(
            &format!("/v2/groups/{group}/menus"),
            &[("with_optional_menus", "false".to_owned())],
        )
        .await
    }

    /// `GET /v2/groups/{group_id}/menus/last_read_time`: the read markers synced with the
    /// user's other devices.
    pub async fn last_read_times(
        &self,
        group: GroupId,
    ) -> Result<Response<MenuReadTimes>, ApiError> {
        self.get(&format!("/v2/groups/{group}/menus/last_read_time"), &[])
            .await
    }

    /// `PUT /v2/groups/{group_id}/menus/last_read_time`: moves read markers (retried freely:
    /// setting a marker twice is harmless).
    pub async fn set_last_read_times(
        &self,
        group: GroupId,
        markers: &MenuReadTimes,
    ) -> Result<Response<Empty>, ApiError> {
        self.send(
            Method::PUT,
            &format!("/v2/groups/{group}/menus/last_read_time"),
            &ReqData::new(markers),
            Idempotency::Idempotent,
        )
        .await
    }

    /// `GET /v2/groups/unread_topics_count`: new topics per group, the cheap "anything new?"
    /// poll.
    pub async fn unread_topic_counts(&self) -> Result<Response<UnreadTopicCounts>, ApiError> {
        self.get("/v2/groups/unread_topics_count", &[]).await
    }

    /// `GET /v2/dynamics`: one page of a notification inbox, newest first, `end_time`
    /// inclusive.
    pub async fn dynamics(
        &self,
        scope: DynamicsScope,
        count: u32,
        end_time: Option<Timestamp>,
    ) -> Result<Response<DynamicsList>, ApiError> {
        let mut query = vec![
            ("scope", scope.as_str().to_owned()),
            ("count", clamp_count(count).to_string()),
        ];
        if let Some(end) = end_time {
            query.push(("end_time", end.to_string()));
        }
        self.get("/v2/dynamics", &query).await
    }

    /// `GET /v2/users/self/unanswered_questions/brief`: how many questions wait for *my*
    /// answer.
    pub async fn unanswered_questions_brief(
        &self,
    ) -> Result<Response<UnansweredQuestionsBrief>, ApiError> {
        self.get("/v2/users/self/unanswered_questions/brief", &[])
            .await
    }

    /// `GET /v2/users/self/topics/questions`: one page of the questions I asked, across every
    /// circle, newest first, `end_time` inclusive; `answered` keeps only the answered
    /// (`Some(true)`) or the waiting ones (`Some(false)`). The headline "my question got an
    /// answer" poll (docs/protocol.md §6.1).
    pub async fn my_questions(
        &self,
        answered: Option<bool>,
        count: u32,
        end_time: Option<Timestamp>,
    ) -> Result<Response<TopicsPage>, ApiError> {
        self.get(
            "/v2/users/self/topics/questions",
            &account_questions_query(answered, count, end_time),
        )
        .await
    }

    /// `GET /v2/users/self/topics/answers`: one page of the questions asked of me (as a
    /// circle's owner or guest), across every circle, newest first, `end_time` inclusive;
    /// `answered` as in [`Client::my_questions`].
    pub async fn questions_for_me(
        &self,
        answered: Option<bool>,
        count: u32,
        end_time: Option<Timestamp>,
    ) -> Result<Response<TopicsPage>, ApiError> {
        self.get(
            "/v2/users/self/topics/answers",
            &account_questions_query(answered, count, end_time),
        )
        .await
    }

    /// `GET /v2/files/{file_id}/download_url`: a signed, short-lived URL to fetch right away.
    ///
    /// Fails with [`ApiError::MobileOnlyFile`] (1030) for files the service only lets the
    /// mobile app download.
    pub async fn file_download_url(&self, file: FileId) -> Result<Response<String>, ApiError> {
        let url: Response<FileDownloadUrl> = self
            .get(&format!("/v2/files/{file}/download_url"), &[])
            .await?;
        Ok(url.map(|url| url.download_url))
    }

    /// The HTML of a long-form article page (`talk.article.article_url`, e.g.
    /// `https://articles.zsxq.com/id_….html`).
    ///
    /// Only absolute `http(s)` URLs are fetched ([`ApiError::UnsupportedUrl`] otherwise).
    /// When the client does not talk to the real API — or `article_base_url` is set —
    /// `zsxq.com` URLs are re-pointed there, the host's role becoming a path segment
    /// (`https://articles.zsxq.com/id_x.html` → `{base_url}/articles/id_x.html`), so a
    /// simulator serves the page; links already on the base URL are fetched as they are. The
    /// token goes only to the API's origin and to `https` `zsxq.com` hosts.
    /// The request counts against the account's pacing like any other.
    pub async fn article_html(&self, url: &str) -> Result<Response<String>, ApiError> {
        let route = article::route(url, &self.inner.base, self.inner.article_origin.as_ref())?;
        let request = Request {
            method: Method::GET,
            url: route.url,
            body: None,
            kind: Kind::Page,
            with_token: route.with_token,
            idempotency: Idempotency::Idempotent,
            limit: self.inner.config.page_body_limit,
        };
        self.execute(request, decode_page).await
    }

    /// The bytes of an image or file a topic links to, in memory: at most `limit` bytes
    /// (more fails with [`ApiError::TooLarge`]). Keep `limit` to what may be held in memory;
    /// [`Client::download`] streams into a file instead.
    pub async fn media(&self, url: &str, limit: u64) -> Result<Response<Vec<u8>>, ApiError> {
        match self.download(url, limit, || async { Ok(Vec::new()) }).await {
            Ok(response) => Ok(response),
            Err(DownloadError::Api(err)) => Err(err),
            Err(DownloadError::Sink(never)) => match never {},
        }
    }

    /// Streams an image or file a topic links to (an image rendition's URL, or the signed URL
    /// of [`Client::file_download_url`]) into a sink opened by `open`, at most `limit` bytes,
    /// and hands back the sink. Memory stays bounded whatever the body's size.
    ///
    /// A `Content-Length` above `limit` is refused before reading, and a body that passes it
    /// is cut off there: both fail with [`ApiError::TooLarge`], not retried. A body that
    /// stalls for [`ClientConfig::body_idle_timeout`](super::ClientConfig) fails with
    /// [`ApiError::Timeout`] and, like other transient failures, is tried again. A body that
    /// broke off after some bytes, from a host that accepts ranges, continues in the same sink
    /// from where it stopped (`Range`, see `resume`); otherwise the attempt starts over in a
    /// fresh sink: `open` is called once per attempt that starts a body, and a sink given up
    /// is dropped (a temporary file should delete itself then). A failure of the sink is
    /// [`DownloadError::Sink`], not retried.
    ///
    /// Untrusted URLs follow the rule of [`Client::article_html`] (only absolute `http(s)`;
    /// service hosts re-pointed at a simulator; the token only where the service lives), and
    /// the request counts against the account's pacing. `request_timeout` bounds the wait for
    /// the answer's headers only: a large file may rightly take longer.
    pub async fn download<S, Open>(
        &self,
        url: &str,
        limit: u64,
        open: impl Fn() -> Open + Sync,
    ) -> Result<Response<S>, DownloadError<S::Error>>
    where
        S: BodySink,
        Open: Future<Output = Result<S, S::Error>> + Send,
    {
        let route = article::route(url, &self.inner.base, self.inner.article_origin.as_ref())?;
        let request = Request {
            method: Method::GET,
            url: route.url,
            body: None,
            kind: Kind::Media,
            with_token: route.with_token,
            idempotency: Idempotency::Idempotent,
            limit,
        };
        // What a broken-off attempt left for the next to continue (see `resume`).
        let partial = std::sync::Mutex::new(None::<resume::Partial<S>>);
        let take = || {
            partial
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take()
        };
        let once = || async {
            let resumed = take();
            let extra = resumed
                .as_ref()
                .map(resume::Partial::headers)
                .unwrap_or_default();
            let (mut response, expires_in) = self.send_once(&request, extra).await?;
            let status = response.status().as_u16();
            let bounds = self.bounds(&request);
            if !(200..300).contains(&status) {
                let body = body::read_error(&mut response, bounds, &request.url).await;
                let raw = Raw {
                    status,
                    expires_in,
                    body,
                };
                return Err(DownloadError::Api(failure(&raw)));
            }
            let (mut sink, offset) = match resumed {
                Some(p) if resume::continues(&response, p.written) => (p.sink, p.written),
                // A body announced too large is refused before a sink (a file) is opened.
                _ => {
                    body::check_length(&response, bounds, &request.url)?;
                    (open().await.map_err(DownloadError::Sink)?, 0)
                }
            };
            let rest = body::Bounds {
                limit: bounds.limit.saturating_sub(offset),
                ..bounds
            };
            let validator = resume::validator(response.headers());
            let resumable = resume::accepts_ranges(&response);
            let (read, written) = {
                let mut counting = resume::Counting::new(&mut sink);
                let read = body::read(&mut response, rest, &request.url, &mut counting).await;
                (read, offset.saturating_add(counting.written))
            };
            match read {
                Ok(_) => Ok(Response {
                    data: sink,
                    expires_in,
                }),
                Err(DownloadError::Api(err)) => {
                    let broke_off = matches!(err, ApiError::Timeout | ApiError::Truncated { .. });
                    if broke_off && resumable && written > 0 {
                        *partial
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner) =
                            Some(resume::Partial {
                                sink,
                                written,
                                validator,
                            });
                    }
                    Err(DownloadError::Api(err))
                }
                Err(sink_failed) => Err(sink_failed),
            }
        };
        self.retrying(&request, once, |err| match err {
            DownloadError::Api(err) => should_retry(err, request.idempotency),
            DownloadError::Sink(_) => false,
        })
        .await
    }

    /// `POST /v2/topics/{topic_id}/answer`: answers a question (once; a second answer is
    /// refused). Build the body with [`AnswerRequest::text`].
    ///
    /// Returns the answered topic when the service echoes it in a readable shape; `None`
    /// otherwise, since the answer exists either way and an error would invite a second
    /// post (write responses are undocumented). Not retried after a 5xx, a timeout or a cut-off answer, since the answer may
    /// already be posted: check the topic before sending again.
    pub async fn answer(
        &self,
        topic: TopicId,
        body: &ReqData<AnswerRequest>,
    ) -> Result<Response<Option<Topic>>, ApiError> {
        let echo: Response<Echo> = self
            .send(
                Method::POST,
                &format!("/v2/topics/{topic}/answer"),
                body,
                Idempotency::NotIdempotent,
            )
            .await?;
        Ok(echo.map(|echo| echo.get("topic")))
    }

    /// `POST /v2/topics/{topic_id}/comments`: comments on a topic, or replies to a comment
    /// when `parent_comment_id` is set. Build the body with [`CommentRequest::text`].
    ///
    /// Returns the new comment when the service echoes it in a readable shape (`None`
    /// otherwise: the comment exists either way). Retried only when
    /// the service refused at the door (1059, 429), like every post.
    pub async fn comment(
        &self,
        topic: TopicId,
        body: &ReqData<CommentRequest>,
    ) -> Result<Response<Option<Comment>>, ApiError> {
        let echo: Response<Echo> = self
            .send(
                Method::POST,
                &format!("/v2/topics/{topic}/comments"),
                body,
                Idempotency::NotIdempotent,
            )
            .await?;
        Ok(echo.map(|echo| echo.get("comment")))
    }

    /// `POST /v2/groups/{group_id}/topics`: posts a talk. Build the body with
    /// [`CreateTalkRequest::text`].
    ///
    /// Returns the new topic when the service echoes it in a readable shape (`None`
    /// otherwise: the topic exists either way). Retried only when the
    /// service refused at the door (1059, 429), like every post.
    pub async fn create_talk(
        &self,
        group: GroupId,
        body: &ReqData<CreateTalkRequest>,
    ) -> Result<Response<Option<Topic>>, ApiError> {
        let echo: Response<Echo> = self
            .send(
                Method::POST,
                &format!("/v2/groups/{group}/topics"),
                body,
                Idempotency::NotIdempotent,
            )
            .await?;
        Ok(echo.map(|echo| echo.get("topic")))
    }

    /// `POST /v2/topics/{topic_id}/likes`: likes a topic (retried freely: liking twice
    /// leaves one like).
    pub async fn like(&self, topic: TopicId) -> Result<Response<Empty>, ApiError> {
        self.send(
            Method::POST,
            &format!("/v2/topics/{topic}/likes"),
            &ReqData::new(NoParams {}),
            Idempotency::Idempotent,
        )
        .await
    }
}

/// An HTML page: its text on 2xx; otherwise the status's error (with the envelope's details
/// when the server answered in JSON).
fn decode_page(raw: Raw) -> Result<String, ApiError> {
    if (200..300).contains(&raw.status) {
        return Ok(String::from_utf8(raw.body)
            .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()));
    }
    Err(failure(&raw))
}

/// The error a failure status (with its envelope, when the server answered in JSON) stands for.
fn failure(raw: &Raw) -> ApiError {
    match decode_response::<Empty>(raw.status, &raw.body) {
        Err(err) => err,
        // Unreachable for a non-2xx status, but never report a failure as success.
        Ok(Empty) => ApiError::from_parts(raw.status, None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        Timestamp::parse(text).expect("timestamp")
    }

    #[test]
    fn scopes_use_the_wire_names() {
        let names: Vec<_> = [
            TopicScope::All,
            TopicScope::Digests,
            TopicScope::ByOwner,
            TopicScope::Questions,
            TopicScope::Tasks,
            TopicScope::UnansweredQuestions,
        ]
        .map(TopicScope::as_str)
        .into();
        assert_eq!(
            names,
            [
                "all",
                "digests",
                "by_owner",
                "questions",
                "tasks",
                "unanswered_questions"
            ]
        );
        assert_eq!(DynamicsScope::RelatedReplies.as_str(), "related_replies");
    }

    #[test]
    fn topic_queries_clamp_the_count_and_carry_both_bounds() {
        let query = TopicsQuery::new(TopicScope::Digests)
            .count(500)
            .end_time(ts("2025-12-10T13:56:05.120+0800"))
            .begin_time(ts("2025-12-01T00:00:00.000+0800"));
        assert_eq!(
            query.to_query(),
            [
                ("scope", "digests".to_owned()),
                ("count", "30".to_owned()),
                ("end_time", "2025-12-10T13:56:05.120+0800".to_owned()),
                ("begin_time", "2025-12-01T00:00:00.000+0800".to_owned()),
            ]
        );
        assert_eq!(TopicsQuery::new(TopicScope::All).count(0).count, 1);
        assert_eq!(TopicsQuery::new(TopicScope::All).count, DEFAULT_PAGE_SIZE);
    }

    #[test]
    fn echoes_of_posts_are_best_effort() {
        let echo = |json: serde_json::Value| Echo(Some(json));
        let topic: Option<Topic> = echo(serde_json::json!({
            "topic": {"topic_id": 7, "type": "talk", "create_time": "2025-12-10T13:56:05.120+0800"}
        }))
        .get("topic");
        assert_eq!(topic.map(|t| t.topic_id.get()), Some(7));
        // Unexpected shapes and absent echoes are no reason to report a failed post.
        let odd: Option<Topic> = echo(serde_json::json!({"topic": "created"})).get("topic");
        assert!(odd.is_none());
        let none: Option<Topic> = Echo(None).get("topic");
        assert!(none.is_none());
        let not_object: Option<Topic> = echo(serde_json::json!([1])).get("topic");
        assert!(not_object.is_none());
    }

    #[test]
    fn pages_decode_as_text_and_failures_as_errors() {
        let page = Raw {
            status: 200,
            expires_in: None,
            body: "<h1>长文</h1>".as_bytes().to_vec(),
        };
        assert_eq!(decode_page(page).as_deref(), Ok("<h1>长文</h1>"));
        let missing = Raw {
            status: 404,
            expires_in: None,
            body: b"not here".to_vec(),
        };
        assert_eq!(decode_page(missing), Err(ApiError::NotFound));
    }
}
