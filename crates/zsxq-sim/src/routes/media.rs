//! What topics link to, served by the sim itself: PNG images (avatars, covers and the three
//! renditions of every attached image), article pages, and file downloads with their
//! short-lived URLs (and the mobile-only refusal, code 1030), whole or from a `Range`. Images
//! and files can be served huge, stalled, cut off or not at all instead, as deliberate
//! stresses ([`stress`]).

mod stress;

use std::borrow::Cow;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{App, fail, ok, parse_id};
use crate::content::{self, Content};
use crate::render::{file_size, image_size, ts, with_query};
use crate::rng::{Rng, hash, tag};
use crate::world::{TopicRef, World, article_topic_id, file_ref, image_id};

fn missing() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// The topic carrying `file_id`, and its file's name.
fn file_of(world: &World, file: i64) -> Option<(TopicRef, Cow<'static, str>)> {
    let at = file_ref(file)?;
    let meta = world.meta(at)?;
    let name = content::derive(world, at, meta).file_name?;
    Some((at, name))
}

pub(super) async fn download_url(State(app): App, Path(file): Path<String>) -> Response {
    let world = app.world();
    let Some((id, name)) = parse_id(&file).and_then(|id| Some((id, file_of(&world, id)?.1))) else {
        return fail(zsxq::error::codes::NOT_FOUND, "文件不存在");
    };
    // Videos are app-only on the service; tests can mark any other file so too.
    if name.ends_with(".mp4") || world.mobile_only_files.contains(&id) {
        return fail(
            zsxq::error::codes::MOBILE_ONLY_FILE,
            "此文件只能在手机端下载",
        );
    }
    let url = format!("{}/files/{id}?e=1924963199&token=zsxq-sim", app.base_url);
    ok(json!({"download_url": with_query(url, &world.media_query)}))
}

pub(super) async fn file(
    State(app): App,
    Path(file): Path<String>,
    request: HeaderMap,
) -> Response {
    let world = app.world();
    let Some((id, (_, name))) = parse_id(&file).and_then(|id| Some((id, file_of(&world, id)?)))
    else {
        return missing();
    };
    // Exactly the advertised `size`, so a client can check what it saved against it.
    let Ok(size) = usize::try_from(file_size(id)) else {
        return missing();
    };
    // Whole lines of text while they fit, then spaces: valid UTF-8 to the last byte, so a
    // test can read what it saved as text.
    let faults = app.faults();
    if faults.huge_media {
        return stress::huge("application/octet-stream", true);
    }
    let line = format!("zsxq-sim 模拟文件：{name}\n");
    let mut text = line.repeat(size / line.len());
    text.push_str(&" ".repeat(size - text.len()));
    let bytes = text.into_bytes();
    if faults.stall_media {
        return stress::stalled("application/octet-stream", bytes);
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    ranged(
        &request,
        &format!("\"f{id}\""),
        "application/octet-stream",
        headers,
        bytes,
        faults.cut_media,
    )
}

/// `bytes` whole, or from the offset a `Range: bytes=<n>-` asks for (`206`, when `If-Range`,
/// if sent, names `etag`), as the CDNs and object stores behind the service's media do:
/// every answer says `Accept-Ranges: bytes` and carries an `ETag`. Only open-ended ranges are
/// served; any other range gets the whole body, which HTTP allows. `cut` (a stress) breaks a
/// whole answer off half way; ranged answers are never cut.
fn ranged(
    request: &HeaderMap,
    etag: &str,
    content_type: &'static str,
    mut headers: HeaderMap,
    bytes: Vec<u8>,
    cut: bool,
) -> Response {
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(etag) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, etag);
    }
    let same = request
        .get(header::IF_RANGE)
        .is_none_or(|v| v.as_bytes() == etag.as_bytes());
    let from = request
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
        .and_then(|v| v.strip_suffix('-'))
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|from| same && *from < bytes.len());
    if let Some(from) = from {
        let total = bytes.len();
        if let Ok(range) = HeaderValue::from_str(&format!("bytes {from}-{}/{total}", total - 1)) {
            headers.insert(header::CONTENT_RANGE, range);
        }
        let rest = bytes[from..].to_vec();
        return (
            StatusCode::PARTIAL_CONTENT,
            headers,
            [(header::CONTENT_TYPE, content_type)],
            rest,
        )
            .into_response();
    }
    if cut {
        return stress::cut(content_type, bytes, headers);
    }
    (headers, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
}

/// `/images/{image_id}_{variant}.png`, `/images/avatar_{user_id}.png`,
/// `/images/background_{id}.png`.
pub(super) async fn image(
    State(app): App,
    Path(name): Path<String>,
    request: HeaderMap,
) -> Response {
    let Some(stem) = name.strip_suffix(".png") else {
        return missing();
    };
    let parsed = if let Some(id) = stem.strip_prefix("avatar_") {
        parse_id(id).map(|id| (id, "avatar"))
    } else if let Some(id) = stem.strip_prefix("background_") {
        parse_id(id).map(|id| (id, "background"))
    } else {
        stem.split_once('_')
            .and_then(|(id, variant)| Some((parse_id(id)?, variant)))
    };
    let Some((id, variant)) = parsed else {
        return missing();
    };
    let Some((width, height)) = image_size(id, variant) else {
        return missing();
    };
    // The same picture in every rendition of an image; avatars and covers differ by kind.
    let key = match variant {
        "avatar" | "background" => hash(&[id as u64, variant.len() as u64]),
        _ => id as u64,
    };
    let faults = app.faults();
    if faults.dead_images {
        return stress::down();
    }
    if faults.huge_media {
        return stress::huge("image/png", false);
    }
    let png = crate::png::render(key, width, height);
    if faults.stall_media {
        return stress::stalled("image/png", png);
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=86400"),
    );
    ranged(
        &request,
        &format!("\"i{key}-{width}x{height}\""),
        "image/png",
        headers,
        png,
        faults.cut_media,
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `/articles/id_{article_id}.html` (and the `inline_form/` variant): the article's HTML page.
pub(super) async fn article(State(app): App, Path(page): Path<String>) -> Response {
    let world = app.world();
    let found = page
        .strip_prefix("id_")
        .and_then(|p| p.strip_suffix(".html"))
        .and_then(article_topic_id)
        .and_then(|id| world.find_topic(id))
        .and_then(|at| {
            let meta = world.meta(at)?;
            let content = content::derive(&world, at, meta);
            let title = content.article_title.clone()?;
            Some((at, *meta, content, title))
        });
    let Some((at, meta, content, title)) = found else {
        return missing();
    };
    let html = article_html(&world, &app.base_url, at, &meta, &content, &title);
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn article_html(
    world: &World,
    base: &str,
    at: TopicRef,
    meta: &crate::world::TopicMeta,
    content: &Content,
    title: &str,
) -> String {
    let body = match world
        .stored
        .get(&at)
        .and_then(|s| s.attachments.article.as_ref())
    {
        // The dataset wrote the article itself (the `hostile` one, whose HTML is the point).
        Some(article) => article.body_html.clone(),
        None => derived_article_body(world, base, at, content),
    };
    let author = world.user(meta.author);
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n</head>\n<body>\n<div class=\"post\">\n<h1 class=\"title\">{title}</h1>\n<div class=\"author\">{author} · {date}</div>\n<div class=\"content ql-editor\">\n{body}</div>\n</div>\n</body>\n</html>\n",
        title = escape(title),
        author = escape(&author.name),
        date = ts(meta.time_ms),
    )
}

/// An article written from the topic's text and its circle's theme, with one image.
fn derived_article_body(world: &World, base: &str, at: TopicRef, content: &Content) -> String {
    let theme = content::theme(world, at);
    let plain = zsxq::rich_text::to_plain_text(&zsxq::rich_text::parse(&content.text));
    let mut body = String::new();
    for paragraph in plain.split("\n\n").filter(|p| !p.trim().is_empty()) {
        body.push_str(&format!("<p>{}</p>\n", escape(paragraph.trim())));
    }
    let mut rng = Rng::keyed(&[
        world.seed,
        tag::TOPIC,
        u64::from(at.circle),
        u64::from(at.ordinal),
        0xA27,
    ]);
    for section in 1..=3 {
        body.push_str(&format!(
            "<h2>{section}. {}</h2>\n",
            escape(rng.pick::<&str>(theme.headlines))
        ));
        for _ in 0..rng.range(2, 4) {
            let sentences: String = (0..rng.range(2, 4))
                .map(|_| *rng.pick(theme.sentences))
                .collect();
            body.push_str(&format!("<p>{}</p>\n", escape(&sentences)));
        }
    }
    body.push_str(&format!(
        "<p><img src=\"{base}/images/{}_large.png\" alt=\"\"></p>\n",
        image_id(at, 6)
    ));
    body
}

/// `GET /v2/videos/{video_id}/url`: the HLS playlist of a video (S2 `backend/main.py`). The
/// videos here are the `.mp4` files, whose video id is their file id. Invented: the
/// `resp_data{url}` field name.
pub(super) async fn video_url(State(app): App, Path(video): Path<String>) -> Response {
    let world = app.world();
    let found = parse_id(&video)
        .and_then(|id| Some((id, file_of(&world, id)?.1)))
        .filter(|(_, name)| name.ends_with(".mp4"));
    let Some((id, _)) = found else {
        return fail(zsxq::error::codes::NOT_FOUND, "视频不存在");
    };
    let url = format!(
        "{}/videos/{id}.m3u8?e=1924963199&token=zsxq-sim",
        app.base_url
    );
    ok(json!({"url": with_query(url, &world.media_query)}))
}

/// `/videos/{video_id}.m3u8`: a one-segment playlist pointing at the video's file.
pub(super) async fn playlist(State(app): App, Path(name): Path<String>) -> Response {
    let world = app.world();
    let Some(id) = name
        .strip_suffix(".m3u8")
        .and_then(parse_id)
        .filter(|&id| file_of(&world, id).is_some_and(|(_, n)| n.ends_with(".mp4")))
    else {
        return missing();
    };
    let body = format!(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n{}/files/{id}\n#EXT-X-ENDLIST\n",
        app.base_url
    );
    (
        [(header::CONTENT_TYPE, "application/vnd.apple.mpegurl")],
        body,
    )
        .into_response()
}
