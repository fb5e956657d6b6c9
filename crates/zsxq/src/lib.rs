//! The 知识星球 (ZSXQ) protocol, as reconstructed in `shared/zsxq/PROTOCOL.md` (summarised in
//! `docs/protocol.md`, which the comments here cite).
//!
//! This crate knows nothing about storage or UI; it is the typed vocabulary the rest of Orrery
//! (and the `zsxq-sim` simulator) speaks:
//!
//! * [`model`] — serde models of the JSON API. Responses arrive in an [`Envelope`] and are
//!   unwrapped by [`decode_response`]/[`decode_body`]; the main payloads are [`Topic`] (all four
//!   types — talk, q&a, task, solution — plus [`TopicKind::Other`] for anything new, viewed
//!   through [`TopicBody`]), [`Comment`], [`Group`], [`User`]/[`UserResponse`], and the smaller
//!   lists ([`MenusList`], [`MenuReadTimes`], [`HashtagsList`], [`ColumnsList`],
//!   [`UnreadTopicCounts`], [`DynamicsList`], [`UnansweredQuestionsBrief`]). Write bodies
//!   ([`AnswerRequest`], [`CommentRequest`], [`CreateTalkRequest`]) go out wrapped in [`ReqData`].
//! * [`ApiError`] — every failure (HTTP status or envelope code) classified by what the caller
//!   should do, with [`ApiError::retryable`] for the client's back-off loop.
//! * [`Timestamp`] — the service's `2025-12-10T13:56:05.120+0800` dates, round-tripping
//!   byte for byte; and the typed 64-bit ids in [`id`] ([`TopicId`], [`GroupId`]…), which
//!   exceed 2^53 and so never pass through a float.
//! * [`rich_text`] — the `<e type=… />` markup inside `text`: [`rich_text::parse`] into
//!   [`rich_text::Node`]s, renderers to plain text, Markdown and sanitized HTML, and
//!   [`rich_text::compose_markdown`] for writing.
//!
//! The paced, retrying HTTP client in [`client`] builds on these types: one [`Client`] per
//! account, signed in with a redacted [`AccessToken`], whose clones share one pacing budget
//! ([`Pacing`]: by default about one request every 2–3 s and a 1–2 minute pause after every 50).
//! It retries 1059, 429, 5xx, timeouts and cut-off bodies with capped, jittered back-off
//! ([`RetryPolicy`]) but never a 401, returns every payload in a [`Response`] carrying the
//! token's remaining lifetime (`x-expire-in`), and walks whole topic lists with [`TopicPager`].

pub mod client;
pub mod error;
pub mod id;
pub mod model;
pub mod rich_text;
pub mod timestamp;

pub use client::{
    AccessToken, Client, ClientConfig, ClientError, Pacing, Response, RetryPolicy, TopicPager,
};
pub use error::ApiError;
pub use id::{
    CategoryId, CheckinId, ColumnId, CommentId, DynamicId, FileId, GroupId, HashtagId, ImageId,
    MenuId, TopicId, UserId,
};
pub use model::*;
pub use timestamp::{Timestamp, TimestampError};
